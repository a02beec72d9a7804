/** Hostile input to the Auth routes: every case gets the contract's answer, never a 500, and changes nothing. */
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { providerControl } from '../support/oauth-provider.ts';
import { followLogin, logIn, loginUrlFor, uniqueUser } from '../support/login.ts';
import { testStack } from '../setup/test-stack.ts';
import { gateway } from './http.ts';

const serviceKey = () => createPrivateKey(readFileSync(testStack().signingKeyFile));

/** A token shaped like a user token, signed as the caller chooses. */
function forge(claims: Record<string, unknown>, key = serviceKey(), typ = 'conductor-user+jwt', expiresIn = '1h') {
  return new SignJWT({ token_use: 'user', jti: crypto.randomUUID(), ...claims }).setProtectedHeader({ alg: 'RS256', typ }).setIssuedAt().setExpirationTime(expiresIn).sign(key);
}

async function expectAnonymous(token: string) {
  const check = await gateway('/user/check', { headers: { authorization: `Bearer ${token}` } });
  expect(check.status).toBe(200);
  expect((check.json as { authenticated: boolean }).authenticated).toBe(false);
  expect((await gateway('/user/authorize?service=os.datastore', { headers: { authorization: `Bearer ${token}` } })).json).toEqual({ permissions: {} });
  const update = await gateway('/user/update?username=hijacked', { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  expect(update.json).toEqual({ success: false, error: 'Not authenticated' });
  expect((await gateway('/user/logout', { method: 'POST', headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
}

describe('tokens that must not be accepted as user tokens', () => {
  it('a token with a tampered payload', async () => {
    const user = uniqueUser();
    const token = await logIn('google', user);
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
    const tampered = Buffer.from(JSON.stringify({ ...claims, userid: 'f'.repeat(32) })).toString('base64url');
    await expectAnonymous(`${header}.${tampered}.${signature}`);
  });

  it('a token with a tampered signature', async () => {
    const token = await logIn('google', uniqueUser());
    const flipped = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    await expectAnonymous(flipped);
  });

  it('an expired token', async () => {
    const user = uniqueUser();
    await logIn('google', user);
    const expired = await new SignJWT({ token_use: 'user', jti: crypto.randomUUID(), userid: 'x' })
      .setProtectedHeader({ alg: 'RS256', typ: 'conductor-user+jwt' })
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(serviceKey());
    await expectAnonymous(expired);
  });

  it('an unsigned token (alg: none)', async () => {
    const unsigned = new UnsecuredJWT({ token_use: 'user', jti: crypto.randomUUID(), userid: 'f'.repeat(32) }).setIssuedAt().setExpirationTime('1h').encode();
    await expectAnonymous(unsigned);
  });

  it('an HMAC token keyed with the public key (algorithm confusion)', async () => {
    const pem = (await gateway('/user/public-key')).text;
    const confused = await new SignJWT({ token_use: 'user', jti: crypto.randomUUID(), userid: 'f'.repeat(32) })
      .setProtectedHeader({ alg: 'HS256', typ: 'conductor-user+jwt' })
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(pem));
    await expectAnonymous(confused);
  });

  it('a token signed by another key', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    await expectAnonymous(await forge({ userid: 'f'.repeat(32) }, other));
  });

  it('a permission token used as a user token', async () => {
    const token = await logIn('google', uniqueUser());
    const permission = ((await gateway('/user/authorize?service=os.datastore', { headers: { authorization: `Bearer ${token}` } })).json as { token: string }).token;
    await expectAnonymous(permission);
  });

  it('a token claiming to be a user token in its header but not its claims', async () => {
    await expectAnonymous(await forge({ token_use: 'permission', userid: 'f'.repeat(32) }));
  });

  it('garbage, an empty bearer and an oversized token', async () => {
    for (const token of ['not-a-jwt', 'a.b.c', '...', 'x'.repeat(20_000)]) await expectAnonymous(token);
    const empty = await gateway('/user/check', { headers: { authorization: 'Bearer ' } });
    expect((empty.json as { authenticated: boolean }).authenticated).toBe(false);
  });
});

describe('hostile login requests', () => {
  it('refuse next on a foreign origin, a javascript: URL, credentials in the URL or an oversized next, with 400 JSON', async () => {
    for (const next of [
      'https://evil.example.test/steal',
      `${testStack().appOrigin}.evil.example.test/`,
      'javascript:alert(1)',
      `http://user:pass@${new URL(testStack().appOrigin).host}/`,
      `${testStack().appOrigin}/${'a'.repeat(3000)}`,
      '//evil.example.test/',
      '',
    ]) {
      const response = await fetch(`${testStack().gateway}/oauth/login/google?next=${encodeURIComponent(next)}`, { redirect: 'manual' });
      expect(response.status, next).toBe(400);
      expect(await response.json(), next).toMatchObject({ code: 3, message: expect.stringMatching(/next/) });
      expect(response.headers.get('location')).toBeNull();
    }
  });

  it('refuse an unknown provider with 404 JSON', async () => {
    const response = await fetch(`${testStack().gateway}/oauth/login/facebook?next=${encodeURIComponent(testStack().appOrigin)}`, { redirect: 'manual' });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 5 });
  });

  it('return to next without a token when the state does not match', async () => {
    const user = uniqueUser();
    await providerControl.setNextUser(testStack().oauthProvider, 'google', user);
    const next = `${testStack().appOrigin}/after-login`;
    const trace = await followLogin(await loginUrlFor('google', next), { tamper: (url) => url.searchParams.set('state', 'forged-state') });
    expect(trace.location).toBe(next);
    expect(trace.jwt).toBeUndefined();
  });

  it('refuse a callback without the login cookie (no login was started here)', async () => {
    const response = await fetch(`${testStack().gateway}/oauth/connect/google/callback?code=stolen&state=whatever`, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 3 });
  });

  it('answer oversized query parameters with a JSON error, not a 500', async () => {
    const reply = await gateway(`/user/check?next=${'a'.repeat(70_000)}`);
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(reply.status).toBeLessThan(500);
    expect(reply.json).toMatchObject({ code: expect.any(Number) });
  });
});
