import { createHash, randomInt } from 'node:crypto';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A work package access token: 24 random alphanumerics (as GHGA). */
export function newAccessToken(): string {
  return Array.from({ length: 24 }, () => alphabet[randomInt(alphabet.length)]).join('');
}

/** What is stored instead of the token: its SHA-256, lower-case hex. */
export function accessTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
