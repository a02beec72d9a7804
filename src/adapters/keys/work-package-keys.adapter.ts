import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createLocalJWKSet, errors, jwtVerify, SignJWT, type JSONWebKeySet } from 'jose';
import { InvalidTokenError } from '../../ports/token-codec.js';
import type { InternalTokenIssuer, InternalTokenVerifier, InternalUser, WorkOrderClaims, WorkOrderTokenSigner } from '../../ports/work-package-tokens.js';

/** Reads a P-256 private key given as JWK or PEM text or file; undefined when not configured. */
export async function loadP256Key(source: { text?: string; file?: string }, name: string): Promise<KeyObject | undefined> {
  const text = source.text ?? (source.file ? await readFile(source.file, 'utf8') : undefined);
  if (!text) return undefined;
  const trimmed = text.trim();
  const key = trimmed.startsWith('{') ? createPrivateKey({ key: JSON.parse(trimmed), format: 'jwk' }) : createPrivateKey(trimmed);
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new Error(`${name} must be a P-256 (ES256) private key`);
  return key;
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * GHGA's internal access tokens: ES256, claims id, name, email (valid), iat,
 * exp (60 s leeway), optional title Dr./Prof.; accepted from Conductor's own
 * issuer key and any configured public keys.
 */
export class JoseInternalTokens implements InternalTokenVerifier, InternalTokenIssuer {
  private readonly keySet: ReturnType<typeof createLocalJWKSet>;

  constructor(
    private readonly issuerKey: KeyObject | undefined,
    extraKeys: JSONWebKeySet['keys'],
  ) {
    const own = issuerKey ? [{ ...createPublicKey(issuerKey).export({ format: 'jwk' }), alg: 'ES256' }] : [];
    this.keySet = createLocalJWKSet({ keys: [...own, ...extraKeys] as JSONWebKeySet['keys'] });
  }

  /** Parses WORK_PACKAGE_AUTH_KEYS (a JWK or a JWKS). */
  static parseKeys(text: string | undefined): JSONWebKeySet['keys'] {
    if (!text) return [];
    const parsed = JSON.parse(text) as JSONWebKeySet | JSONWebKeySet['keys'][number];
    return 'keys' in parsed ? parsed.keys : [parsed];
  }

  async issue(user: InternalUser): Promise<string> {
    if (!this.issuerKey) throw new Error('WORK_PACKAGE_INTERNAL_KEY is not configured');
    return new SignJWT({ id: user.id, name: user.name, email: user.email, ...(user.title ? { title: user.title } : {}) })
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(this.issuerKey);
  }

  async verify(token: string): Promise<InternalUser> {
    let payload: Record<string, unknown>;
    try {
      payload = (await jwtVerify(token, this.keySet, { algorithms: ['ES256'], clockTolerance: 60, requiredClaims: ['iat', 'exp'] })).payload;
    } catch (error) {
      if (error instanceof errors.JOSEError) throw new InvalidTokenError(error instanceof errors.JWTExpired ? 'expired' : 'bad signature or format');
      throw new InvalidTokenError('malformed');
    }
    if (typeof payload.iat !== 'number' || payload.iat > Date.now() / 1000 + 60) throw new InvalidTokenError('issued in the future');
    const { id, name, email, title } = payload;
    if (typeof id !== 'string' || !id || typeof name !== 'string' || typeof email !== 'string' || !emailPattern.test(email)) {
      throw new InvalidTokenError('missing or invalid claims');
    }
    if (title !== undefined && title !== null && title !== 'Dr.' && title !== 'Prof.') throw new InvalidTokenError('invalid title');
    return { id, name, email, ...(title ? { title: title as 'Dr.' | 'Prof.' } : {}) };
  }
}

/** Work order tokens: ES256, header exactly {"alg":"ES256"}, 30 seconds (as GHGA). */
export class JoseWorkOrderSigner implements WorkOrderTokenSigner {
  constructor(private readonly key: KeyObject) {}

  sign(claims: WorkOrderClaims): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ ...claims }).setProtectedHeader({ alg: 'ES256' }).setIssuedAt(now).setExpirationTime(now + 30).sign(this.key);
  }
}
