import { decodeProtectedHeader, errors, jwtVerify, SignJWT } from 'jose';
import type { SigningKeys } from '../../ports/signing-keys.js';
import { InvalidTokenError, type TokenClaims, type TokenCodec, type TokenKind } from '../../ports/token-codec.js';

/** The JWT `typ` header of each kind, checked on verification so kinds cannot be swapped. */
const typeOf: Record<TokenKind, string> = {
  user: 'conductor-user+jwt',
  permission: 'conductor-permission+jwt',
  'oauth-login': 'conductor-oauth-login+jwt',
};

/** How far a signer's clock may run ahead of ours. */
const clockToleranceSeconds = 30;

/** JWTs signed with the service key (RS256/ES256 only: `none` and HMAC are never accepted). */
export class JoseTokenCodec implements TokenCodec {
  constructor(private readonly keys: SigningKeys) {}

  sign(kind: TokenKind, claims: Record<string, unknown>, ttlSeconds: number): Promise<string> {
    return new SignJWT({ ...claims, token_use: kind })
      .setProtectedHeader({ alg: this.keys.algorithm, typ: typeOf[kind], kid: this.keys.keyId })
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(this.keys.privateKey);
  }

  claimedKind(token: string): TokenKind | undefined {
    try {
      const { typ } = decodeProtectedHeader(token);
      return (Object.keys(typeOf) as TokenKind[]).find((kind) => typeOf[kind] === typ);
    } catch {
      return undefined;
    }
  }

  async verify(kind: TokenKind, token: string): Promise<TokenClaims> {
    try {
      const { payload } = await jwtVerify(token, this.keys.publicKey, {
        algorithms: [this.keys.algorithm],
        typ: typeOf[kind],
        requiredClaims: ['iat', 'exp'],
      });
      // The claim repeats the header's kind so a verifier that ignores `typ` still cannot confuse them.
      if (payload.token_use !== kind) throw new InvalidTokenError(`not a ${kind} token`);
      // jose checks `iat` only against a maximum age; a token from the future is forged or from a broken clock.
      if (typeof payload.iat !== 'number' || payload.iat > Date.now() / 1000 + clockToleranceSeconds) throw new InvalidTokenError('issued in the future');
      return payload as TokenClaims;
    } catch (error) {
      if (error instanceof InvalidTokenError) throw error;
      if (error instanceof errors.JWTExpired) throw new InvalidTokenError('expired');
      if (error instanceof errors.JOSEError) throw new InvalidTokenError(error.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' ? `not a ${kind} token` : 'bad signature or format');
      throw new InvalidTokenError('malformed');
    }
  }
}
