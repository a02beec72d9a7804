import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactSecrets } from '../../src/logger.ts';

const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJ1c2VyaWQiOiJhYmMifQ.c2lnbmF0dXJlLXBhcnQ';

/** A logger writing into an array of lines. */
function capturingLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger('debug', 'test', stream), lines };
}

describe('logs never carry a credential', () => {
  it('redacts tokens in query parameters, presigned URL signatures, bearer values and bare JWTs', () => {
    expect(redactSecrets(`/user/check?next=%2F&jwt=${jwt}`)).toBe('/user/check?next=%2F&jwt=[redacted]');
    expect(redactSecrets('http://s3/b/k?X-Amz-Credential=AK%2F2026&X-Amz-Signature=abc123&X-Amz-Date=1')).toBe('http://s3/b/k?X-Amz-Credential=[redacted]&X-Amz-Signature=[redacted]&X-Amz-Date=1');
    expect(redactSecrets('/oauth/callback/google?code=4/xyz&state=s1')).toBe('/oauth/callback/google?code=[redacted]&state=[redacted]');
    expect(redactSecrets(`Authorization: Bearer ${jwt}`)).toBe('Authorization: Bearer [redacted]');
    expect(redactSecrets(`next=https://app.example/page#${jwt}`)).toBe('next=https://app.example/page#[redacted]');
    // Parameters that only end in a secret's name stay.
    expect(redactSecrets('/search/package?q=x&countryCode=DE')).toBe('/search/package?q=x&countryCode=DE');
  });

  it('redacts every field, nested value, message and error of a log line', () => {
    const { logger, lines } = capturingLogger();
    const url = `http://gateway/user/check?jwt=${jwt}`;
    logger.info({ path: url, request: { headers: { authorization: `Bearer ${jwt}`, 'auth-token': 'opaque-token-value' } }, list: [url] }, `calling ${url}`);
    logger.error({ err: new Error(`fetch ${url} failed`) }, 'load failed');
    logger.warn(`token ${jwt} refused`);
    const text = lines.join('');
    expect(lines).toHaveLength(3);
    expect(text).not.toContain(jwt);
    expect(text).not.toContain('opaque-token-value');
    expect(text).toContain('/user/check?jwt=[redacted]');
    expect(JSON.parse(lines[1]!).err.message).toBe('fetch http://gateway/user/check?jwt=[redacted] failed');
  });
});
