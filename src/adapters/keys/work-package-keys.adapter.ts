import { createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify, SignJWT, type JSONWebKeySet } from 'jose';
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
  /** Every trusted key: a token without `kid` is tried against each (GHGA's tokens carry none). */
  private readonly keys: KeyObject[];

  constructor(
    private readonly issuerKey: KeyObject | undefined,
    extraKeys: JSONWebKeySet['keys'],
  ) {
    const own = issuerKey ? [{ ...createPublicKey(issuerKey).export({ format: 'jwk' }), alg: 'ES256' }] : [];
    const all = [...own, ...extraKeys] as JSONWebKeySet['keys'];
    this.keySet = createLocalJWKSet({ keys: all });
    this.keys = all.map((jwk) => createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }));
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
    const options = { algorithms: ['ES256'], clockTolerance: 60, requiredClaims: ['iat', 'exp'] };
    let payload: Record<string, unknown> | undefined;
    let refusal: unknown;
    try {
      // With a `kid`, the key it names; without, each trusted key in turn.
      const hasKid = typeof decodeProtectedHeader(token).kid === 'string';
      const attempts = hasKid ? [() => jwtVerify(token, this.keySet, options)] : this.keys.map((key) => () => jwtVerify(token, key, options));
      for (const attempt of attempts) {
        try {
          payload = (await attempt()).payload;
          break;
        } catch (error) {
          refusal = error;
          // An expired or not-yet-valid token is so under every key: no point trying the others.
          if (error instanceof errors.JWTExpired || error instanceof errors.JWTClaimValidationFailed) break;
        }
      }
    } catch (error) {
      refusal = error;
    }
    if (!payload) {
      if (refusal instanceof errors.JOSEError) throw new InvalidTokenError(refusal instanceof errors.JWTExpired ? 'expired' : 'bad signature or format');
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
