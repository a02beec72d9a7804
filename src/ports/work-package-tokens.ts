/** The user behind a verified internal access token (GHGA's auth context). */
export interface InternalUser {
  id: string;
  name: string;
  email: string;
  title?: 'Dr.' | 'Prof.';
}

/** Verifies internal access tokens (ES256, against the configured public keys; 60 s leeway). */
export interface InternalTokenVerifier {
  /** Throws InvalidTokenError for anything but a valid internal access token. */
  verify(token: string): Promise<InternalUser>;
}

/** Issues internal access tokens for Conductor's own users (from /user/authorize). */
export interface InternalTokenIssuer {
  issue(user: InternalUser): Promise<string>;
}

/** The claims of a work order token (GHGA's, exactly). */
export interface WorkOrderClaims {
  type: string;
  file_id: string;
  user_id: string;
  user_public_crypt4gh_key: string;
  full_user_name: string;
  email: string;
}

/** Signs work order tokens (ES256, 30 seconds). */
export interface WorkOrderTokenSigner {
  sign(claims: WorkOrderClaims): Promise<string>;
}
