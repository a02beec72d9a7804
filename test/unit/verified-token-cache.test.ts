/** The verified-token cache over the real JWT codec: it only ever saves work, never accepts more. */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { JoseTokenCodec } from '../../src/adapters/keys/jose-token-codec.ts';
import { loadSigningKeys } from '../../src/adapters/keys/signing-keys.adapter.ts';
import { VerifiedTokenCache } from '../../src/adapters/keys/verified-token-cache.ts';
import { InvalidTokenError, type TokenClaims, type TokenCodec, type TokenKind } from '../../src/ports/token-codec.ts';

/** Counts the verifications that reach the real codec. */
class CountingCodec implements TokenCodec {
  verifications = 0;
  constructor(private readonly codec: JoseTokenCodec) {}
  sign(kind: TokenKind, claims: Record<string, unknown>, ttl: number) {
    return this.codec.sign(kind, claims, ttl);
  }
  claimedKind(token: string) {
    return this.codec.claimedKind(token);
  }
  verify(kind: TokenKind, token: string): Promise<TokenClaims> {
    this.verifications += 1;
    return this.codec.verify(kind, token);
  }
}

async function codecs() {
  const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const counting = new CountingCodec(new JoseTokenCodec(await loadSigningKeys({ signingKey: pem, signingKeyFile: undefined })));
  return { counting, cache: new VerifiedTokenCache(counting, 3) };
}

describe('VerifiedTokenCache', () => {
  it('verifies a token once, then answers from memory', async () => {
    const { counting, cache } = await codecs();
    const token = await cache.sign('user', { userid: 'u', jti: 'j' }, 60);
    const first = await cache.verify('user', token);
    expect(await cache.verify('user', token)).toEqual(first);
    expect(counting.verifications).toBe(1);
  });

  it('keeps kinds apart: a cached user token is still no permission token', async () => {
    const { cache } = await codecs();
    const token = await cache.sign('user', { userid: 'u', jti: 'j' }, 60);
    await cache.verify('user', token);
    await expect(cache.verify('permission', token)).rejects.toBeInstanceOf(InvalidTokenError);
    expect(cache.claimedKind(token)).toBe('user');
  });

  it('never remembers a refusal: a forged token is verified, and refused, every time', async () => {
    const { counting, cache } = await codecs();
    const token = await cache.sign('user', { userid: 'u', jti: 'j' }, 60);
    const forged = `${token.slice(0, -4)}AAAA`;
    await expect(cache.verify('user', forged)).rejects.toBeInstanceOf(InvalidTokenError);
    await expect(cache.verify('user', forged)).rejects.toBeInstanceOf(InvalidTokenError);
    expect(counting.verifications).toBe(2);
  });

  it('refuses a remembered token once it has expired', async () => {
    const { cache } = await codecs();
    const token = await cache.sign('user', { userid: 'u', jti: 'j' }, 1);
    await cache.verify('user', token);
    await new Promise((done) => setTimeout(done, 2100));
    await expect(cache.verify('user', token)).rejects.toThrow('expired');
  });

  it('stays within its bound', async () => {
    const { counting, cache } = await codecs();
    const tokens = await Promise.all([1, 2, 3, 4].map((n) => cache.sign('user', { userid: 'u', jti: `j${n}` }, 60)));
    for (const token of tokens) await cache.verify('user', token);
    await cache.verify('user', tokens[0] as string);
    expect(counting.verifications).toBe(5);
  });
});
