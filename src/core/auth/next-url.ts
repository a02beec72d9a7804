import { CoreError } from '../errors.js';

/**
 * Checks where a login may return to: an absolute http(s) URL on one of the
 * allowed origins (no open redirect). Returns the parsed URL.
 */
export function checkNextUrl(next: string | undefined, allowedOrigins: readonly string[]): URL {
  if (!next) throw new CoreError('invalid-argument', 'next is required');
  if (next.length > 2048) throw new CoreError('invalid-argument', 'next is too long (at most 2048 characters)');
  let url: URL;
  try {
    url = new URL(next);
  } catch {
    throw new CoreError('invalid-argument', 'next must be an absolute URL');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) {
    throw new CoreError('invalid-argument', 'next must be an http(s) URL without credentials');
  }
  if (!allowedOrigins.includes(url.origin)) throw new CoreError('invalid-argument', `next is not on an allowed origin: ${url.origin}`);
  return url;
}

/** `next` with `jwt` set (replacing any), other query parameters and the fragment kept. */
export function withToken(next: URL, token: string | undefined): string {
  const url = new URL(next);
  url.searchParams.delete('jwt');
  if (token) url.searchParams.set('jwt', token);
  return url.toString();
}
