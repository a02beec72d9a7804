/** The kinds of token Conductor signs; a token of one kind is never accepted as another. */
export type TokenKind = 'user' | 'permission' | 'oauth-login';

/** Claims of a verified token. */
export type TokenClaims = Record<string, unknown> & { iat: number; exp: number; jti?: string };

/** Signs and verifies Conductor's own JWTs with the service key. */
export interface TokenCodec {
  sign(kind: TokenKind, claims: Record<string, unknown>, ttlSeconds: number): Promise<string>;
  /** Verifies signature, algorithm, kind and expiry; throws InvalidTokenError otherwise. */
  verify(kind: TokenKind, token: string): Promise<TokenClaims>;
  /**
   * The kind a token's header claims, unverified: only for choosing which
   * verification to run (a route taking two kinds verifies once, not twice).
   */
  claimedKind(token: string): TokenKind | undefined;
}

/** A token that is malformed, forged, expired or of another kind. */
export class InvalidTokenError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidTokenError';
  }
}
