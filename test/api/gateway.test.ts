/** The gateway as a web client meets it: Envoy transcoding to the gRPC server. */
import { createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testStack } from '../setup/test-stack.ts';
import { gateway } from './http.ts';

describe('gateway basics', () => {
  it('answers GET /health with {"status":"OK"}', async () => {
    const reply = await gateway('/health');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/json');
    expect(reply.json).toEqual({ status: 'OK' });
  });

  it('serves the public key as PEM through the transcoder (HttpBody), under /user and /auth', async () => {
    for (const path of ['/user/public-key', '/auth/public-key']) {
      const reply = await gateway(path);
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toBe('application/x-pem-file');
      expect(reply.text).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/);
      const key = createPublicKey(reply.text);
      expect(key.asymmetricKeyType).toBe('rsa');
      expect(key.asymmetricKeyDetails?.modulusLength).toBeGreaterThanOrEqual(2048);
    }
  });

  it('publishes the same key as a JWKS', async () => {
    const pem = (await gateway('/user/public-key')).text;
    const reply = await gateway('/.well-known/jwks.json');
    expect(reply.status).toBe(200);
    const { keys } = reply.json as { keys: Record<string, string>[] };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(keys[0]?.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const fromJwk = createPublicKey({ key: keys[0] as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    expect(fromJwk).toBe(pem);
  });

  it('hides gRPC plumbing headers from HTTP clients', async () => {
    const reply = await gateway('/health');
    for (const header of ['grpc-status', 'grpc-message', 'grpc-encoding', 'x-envoy-upstream-service-time']) {
      expect(reply.headers.get(header), header).toBeNull();
    }
  });
});

describe('hostile and malformed requests', () => {
  it('answer an unknown path with a JSON 404, not HTML or an empty body', async () => {
    const reply = await gateway('/no/such/route');
    expect(reply.status).toBe(404);
    expect(reply.headers.get('content-type')).toContain('application/json');
    expect(reply.json).toMatchObject({ code: 5, message: expect.stringContaining('/no/such/route') });
  });

  it('refuse encoded slashes and dot segments meant to slip past routing', async () => {
    for (const path of ['/health/..%2f..%2fetc%2fpasswd', '/user%2fpublic-key', '/user/%2e%2e%2fpackage/stats']) {
      const reply = await gateway(path);
      expect(reply.status, path).toBeGreaterThanOrEqual(400);
      expect(reply.status, path).toBeLessThan(500);
      expect(reply.json, path).toMatchObject({ code: expect.any(Number), message: expect.any(String) });
    }
  });

  it('normalise plain dot segments and repeated slashes like any URL', async () => {
    const reply = await fetch(`${testStack().gateway}//user//public-key`);
    expect(reply.status).toBe(200);
    expect(await reply.text()).toMatch(/^-----BEGIN PUBLIC KEY-----/);
  });

  it('refuse an oversized body with a JSON 413 before it reaches Conductor', async () => {
    const body = JSON.stringify({ metadata: { owner: 'x'.repeat(2 * 1024 * 1024), name: 'n' } });
    const reply = await gateway('/datastore/authorize', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(reply.status).toBe(413);
    expect(reply.json).toMatchObject({ code: 8, message: 'Request body too large' });
  });

  it('refuse a body that is not JSON with a JSON 400', async () => {
    const reply = await gateway('/datastore/authorize', { method: 'POST', body: '{"metadata": ', headers: { 'content-type': 'application/json' } });
    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({ code: 3, message: expect.any(String) });
  });

  it('do not let a client choose the original path Conductor reads the search filters from', async () => {
    // 201 query parameters are refused (400): the header would make the server read them, were it the client's.
    const forged = `/search/package?${Array.from({ length: 201 }, (_, i) => `package.f${i}=1`).join('&')}`;
    const reply = await gateway('/search/package?size=1', { headers: { 'x-conductor-original-path': forged } });
    expect(reply.status).toBe(200);
    expect(Array.isArray(reply.json)).toBe(true);
  });

  it('do not let a client choose the response status through x-http-status', async () => {
    const reply = await gateway('/health', { headers: { 'x-http-status': '201' } });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('x-http-status')).toBeNull();
  });
});

describe('CORS', () => {
  it('allows a configured origin, with credentials', async () => {
    const reply = await gateway('/user/public-key', {
      method: 'OPTIONS',
      headers: { origin: 'http://app.example.test', 'access-control-request-method': 'GET' },
    });
    expect(reply.headers.get('access-control-allow-origin')).toBe('http://app.example.test');
    expect(reply.headers.get('access-control-allow-credentials')).toBe('true');
  });

  it('does not allow another origin', async () => {
    const reply = await gateway('/user/public-key', {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example.test', 'access-control-request-method': 'GET' },
    });
    expect(reply.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('OAuth listener route', () => {
  it('goes to Conductor’s HTTP listener with the transcoder off, answering JSON', async () => {
    const reply = await gateway('/oauth/not-a-provider/callback');
    expect(reply.status).toBe(404);
    expect(reply.json).toEqual({ code: 5, message: 'No route /oauth/not-a-provider/callback', details: [] });
  });
});
