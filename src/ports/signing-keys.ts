import type { KeyObject } from 'node:crypto';

/** A public key as a JSON Web Key (`kty`, `kid`, `alg`, `use`, key material). */
export type PublicJwk = Record<string, string>;

/**
 * The service's signing key pair: signs user and permission tokens; its public
 * half verifies them (and is published as PEM and JWKS).
 */
export interface SigningKeys {
  /** JWS algorithm, e.g. RS256. */
  readonly algorithm: string;
  /** Key id, the RFC 7638 thumbprint of the public key. */
  readonly keyId: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** SubjectPublicKeyInfo PEM, as `/user/public-key` serves it. */
  readonly publicKeyPem: string;
  readonly publicJwk: PublicJwk;
}
