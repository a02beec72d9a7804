import { readFile } from 'node:fs/promises';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { InternalCredentials } from '../../ports/internal-credentials.js';
import { InvalidTokenError } from '../../ports/token-codec.js';

/** The `typ` and audience of internal tokens: no other token of Conductor's can pass for one. */
const internalType = 'conductor-internal+jwt';
const audience = 'conductor-internal';
/** Internal tokens are minted per call or per batch: a leaked one is soon useless. */
const lifetimeSeconds = 300;
const clockToleranceSeconds = 30;
/** HS256 needs at least 256 bits of key. */
const minimumSecretBytes = 32;

/** Reads the shared secret (text or file); undefined when not configured, which closes the internal methods. */
export async function loadInternalSecret(source: { text?: string; file?: string }): Promise<Uint8Array | undefined> {
  const text = (source.text ?? (source.file ? await readFile(source.file, 'utf8') : undefined))?.trim();
  if (!text) return undefined;
  const secret = new TextEncoder().encode(text);
  if (secret.length < minimumSecretBytes) throw new Error(`CONDUCTOR_INTERNAL_SECRET must be at least ${minimumSecretBytes} bytes`);
  return secret;
}

/**
 * Internal tokens: HS256 JWTs over a shared secret (the way GitLab's
 * Workhorse authenticates to Rails), `typ` conductor-internal+jwt, audience
 * conductor-internal, `sub` the calling service, five minutes. Without a
 * secret every internal call is refused.
 */
export class JoseInternalCredentials implements InternalCredentials {
  constructor(private readonly secret: Uint8Array | undefined) {}

  async issue(caller: string): Promise<string> {
    if (!this.secret) throw new Error('CONDUCTOR_INTERNAL_SECRET is not configured');
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: internalType })
      .setSubject(caller)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime(`${lifetimeSeconds}s`)
      .sign(this.secret);
  }

  async verify(token: string): Promise<string> {
    if (!this.secret) throw new InvalidTokenError('internal methods are closed: no CONDUCTOR_INTERNAL_SECRET is configured');
    try {
      const { payload } = await jwtVerify(token, this.secret, {
        algorithms: ['HS256'],
        typ: internalType,
        audience,
        requiredClaims: ['iat', 'exp', 'sub'],
        // Also refuses an `iat` in the future.
        maxTokenAge: lifetimeSeconds,
        clockTolerance: clockToleranceSeconds,
      });
      return String(payload.sub);
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new InvalidTokenError('expired');
      throw new InvalidTokenError('not a valid internal token');
    }
  }
}
