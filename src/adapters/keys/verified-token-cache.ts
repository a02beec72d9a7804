import { LRUCache } from 'lru-cache';
import type { TokenClaims, TokenCodec, TokenKind } from '../../ports/token-codec.js';

/**
 * A TokenCodec that remembers tokens it has verified, so a session's token
 * costs one signature check, not one per call (the profile of
 * `npm run bench:gateway` put verification among the top costs of a
 * user-token call). Only fully verified tokens enter, keyed by kind and the
 * whole token text, and each leaves when it expires; revocation is not
 * cached here (TokenService asks the RevocationStore on every call).
 * Bounded by count: an attacker's forged tokens never enter, and valid ones
 * beyond the bound only cost their verification again.
 */
export class VerifiedTokenCache implements TokenCodec {
  private readonly verified: LRUCache<string, Readonly<TokenClaims>>;

  constructor(
    private readonly codec: TokenCodec,
    maxEntries = 10_000,
  ) {
    this.verified = new LRUCache({ max: maxEntries });
  }

  sign(kind: TokenKind, claims: Record<string, unknown>, ttlSeconds: number): Promise<string> {
    return this.codec.sign(kind, claims, ttlSeconds);
  }

  claimedKind(token: string): TokenKind | undefined {
    return this.codec.claimedKind(token);
  }

  async verify(kind: TokenKind, token: string): Promise<TokenClaims> {
    const key = `${kind} ${token}`;
    const known = this.verified.get(key);
    // The expiry is checked on every use; the entry's own lifetime only frees the memory.
    if (known && known.exp * 1000 > Date.now()) return known;
    const claims = Object.freeze(await this.codec.verify(kind, token));
    this.verified.set(key, claims, { ttl: Math.max(1, claims.exp * 1000 - Date.now()) });
    return claims;
  }
}
