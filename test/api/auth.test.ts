/** The Auth service through Envoy: login round trips, check, authorize, update, logout, aliases. */
import { createHash } from 'node:crypto';
import { credentials } from '@grpc/grpc-js';
import { decodeProtectedHeader, importSPKI, jwtVerify } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { AuthServiceClient, type SetPermissionsResponse } from '../../src/gen/conductor/auth/v1/auth.js';
import { providerControl } from '../support/oauth-provider.ts';
import { followLogin, logIn, loginUrlFor, uniqueUser } from '../support/login.ts';
import { testStack } from '../setup/test-stack.ts';
import { internalMetadata } from '../support/internal.ts';
import { gateway } from './http.ts';

const md5 = (text: string) => createHash('md5').update(text.trim().toLowerCase()).digest('hex');
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

async function publicKey() {
  return importSPKI((await gateway('/user/public-key')).text, 'RS256');
}

describe('login round trip through Envoy', () => {
  it('logs in with a Google-style provider and returns to next with jwt, keeping its query and fragment', async () => {
    const user = uniqueUser();
    await providerControl.setNextUser(testStack().oauthProvider, 'google', user);
    const next = `${testStack().appOrigin}/app/page?tab=datasets&jwt=stale#section-2`;
    const start = await loginUrlFor('google', next);
    expect(start).toBe(`${testStack().gateway}/oauth/login/google?next=${encodeURIComponent(next)}`);
    const trace = await followLogin(start);
    const back = new URL(trace.location ?? '');
    expect(`${back.origin}${back.pathname}`).toBe(`${testStack().appOrigin}/app/page`);
    expect(back.searchParams.get('tab')).toBe('datasets');
    expect(back.searchParams.getAll('jwt')).toHaveLength(1);
    expect(back.hash).toBe('#section-2');
    expect(trace.hops.some((hop) => hop.startsWith(`${testStack().oauthProvider}/google/authorize`))).toBe(true);
    const { payload, protectedHeader } = await jwtVerify(trace.jwt ?? '', await publicKey());
    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'conductor-user+jwt' });
    expect(payload.userid).toBe(md5(user.email));
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(14 * 24 * 3600);
  });

  it('logs in with a GitHub-style provider and links the account to the same user by verified email', async () => {
    const email = `linked-${Date.now()}@example.test`;
    const viaGoogle = await logIn('google', uniqueUser({ email }));
    const viaGithub = await logIn('github', uniqueUser({ email: email.toUpperCase(), login: 'octo' }));
    const [first, second] = await Promise.all([viaGoogle, viaGithub].map(async (token) => (await gateway('/user/check', bearer(token))).json));
    expect(second).toEqual(first);
    expect((first as { profile: { idhash: string; id: string } }).profile).toMatchObject({ idhash: md5(email), id: expect.stringMatching(/^google:/) });
  });

  it('returns to next without jwt when the provider refuses, or the email is not verified', async () => {
    const next = `${testStack().appOrigin}/after-login`;
    await providerControl.setNextError(testStack().oauthProvider, 'google', 'access_denied');
    const refused = await followLogin(await loginUrlFor('google', next));
    expect(refused.location).toBe(next);
    expect(refused.jwt).toBeUndefined();

    await providerControl.setNextUser(testStack().oauthProvider, 'github', uniqueUser({ emailVerified: false }));
    const unverified = await followLogin(await loginUrlFor('github', next));
    expect(unverified.location).toBe(next);
    expect(unverified.jwt).toBeUndefined();
  });
});

describe('GET /user/check', () => {
  it('answers with the profile for a valid user token, from the header or the jwt parameter', async () => {
    const user = uniqueUser();
    const token = await logIn('google', user);
    const expected = {
      authenticated: true,
      profile: {
        id: `google:${user.id}`,
        name: user.name,
        email: user.email,
        avatar_url: user.avatarUrl,
        idhash: md5(user.email),
        join_date: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    };
    expect((await gateway('/user/check', bearer(token))).json).toEqual(expected);
    expect((await gateway('/user/check', { headers: { 'auth-token': token } })).json).toEqual(expected);
    expect((await gateway(`/user/check?jwt=${token}`)).json).toEqual(expected);
    expect((await gateway(`/auth/check?jwt=${token}`)).json).toEqual(expected);
  });

  it('lists the configured providers when not authenticated', async () => {
    const next = `${testStack().appOrigin}/x`;
    const reply = await gateway(`/user/check?next=${encodeURIComponent(next)}`);
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      authenticated: false,
      providers: {
        google: { url: `${testStack().gateway}/oauth/login/google?next=${encodeURIComponent(next)}` },
        github: { url: `${testStack().gateway}/oauth/login/github?next=${encodeURIComponent(next)}` },
        // The development login, on in the test stack as under npm start.
        local: { url: `${testStack().gateway}/oauth/login/local?next=${encodeURIComponent(next)}` },
      },
    });
  });

  it('prefers the Authorization header over Auth-Token over the jwt parameter', async () => {
    const token = await logIn('google', uniqueUser());
    const viaBearer = await gateway(`/user/check?jwt=garbage`, { headers: { authorization: `Bearer ${token}`, 'auth-token': 'garbage' } });
    expect((viaBearer.json as { authenticated: boolean }).authenticated).toBe(true);
    const viaAuthToken = await gateway(`/user/check?jwt=${token}`, { headers: { 'auth-token': 'garbage' } });
    expect((viaAuthToken.json as { authenticated: boolean }).authenticated).toBe(false);
  });
});

describe('GET /user/authorize', () => {
  it('grants os.datastore datapackage-upload with a permission token that verifies with the public key', async () => {
    const user = uniqueUser();
    const token = await logIn('google', user);
    for (const path of ['/user/authorize', '/auth/authorize']) {
      const reply = await gateway(`${path}?service=os.datastore`, bearer(token));
      const body = reply.json as { token: string; userid: string; permissions: object; service: string };
      expect(body).toEqual({ token: expect.any(String), userid: md5(user.email), permissions: { 'datapackage-upload': true }, service: 'os.datastore' });
      const { payload } = await jwtVerify(body.token, await publicKey(), { typ: 'conductor-permission+jwt' });
      expect(payload).toMatchObject({ userid: md5(user.email), permissions: { 'datapackage-upload': true }, service: 'os.datastore' });
      expect(typeof payload.exp).toBe('number');
    }
  });

  it('answers an unknown service with empty permissions and a token', async () => {
    const token = await logIn('google', uniqueUser());
    const body = (await gateway(`/user/authorize?service=no.such.service&jwt=${token}`)).json as { token: string; permissions: object };
    expect(body.permissions).toEqual({});
    expect(decodeProtectedHeader(body.token).typ).toBe('conductor-permission+jwt');
  });

  it('answers {"permissions":{}} without a valid user token (reference behaviour)', async () => {
    expect((await gateway('/user/authorize?service=os.datastore')).json).toEqual({ permissions: {} });
    expect((await gateway('/user/authorize?service=os.datastore&jwt=not.a.token')).json).toEqual({ permissions: {} });
  });

  it('adds what a configured permission provider grants (the admins example)', async () => {
    const admin = await logIn('google', uniqueUser({ email: 'admin@example.test' }));
    const someone = await logIn('google', uniqueUser());
    expect(((await gateway('/user/authorize?service=os.admin', bearer(admin))).json as { permissions: object }).permissions).toEqual({ admin: true });
    expect(((await gateway('/user/authorize?service=os.admin', bearer(someone))).json as { permissions: object }).permissions).toEqual({});
  });
});

describe('SetPermissions (internal gRPC, no HTTP route)', () => {
  const client = new AuthServiceClient(testStack().grpc, credentials.createInsecure());
  afterAll(() => client.close());
  const setPermissions = (userid: string, service: string, permissions: Record<string, unknown>) =>
    internalMetadata().then(
      (metadata) =>
        new Promise<SetPermissionsResponse>((done, fail) => client.setPermissions({ userid, service, permissions }, metadata, (error, response) => (error ? fail(error) : done(response)))),
    );

  it('overrides the * row key by key for one user, as /user/authorize then shows', async () => {
    const user = uniqueUser();
    const token = await logIn('github', user);
    const result = await setPermissions(md5(user.email), 'os.datastore', { 'datapackage-upload': false, 'extra-quota': 5 });
    expect(result.permissions).toEqual({ 'datapackage-upload': false, 'extra-quota': 5 });
    expect(((await gateway('/user/authorize?service=os.datastore', bearer(token))).json as { permissions: object }).permissions).toEqual({ 'datapackage-upload': false, 'extra-quota': 5 });
  });

  it('refuses malformed user ids and services', async () => {
    await expect(setPermissions('../../etc', 'os.datastore', {})).rejects.toMatchObject({ details: expect.stringContaining('userid') });
    await expect(setPermissions('*', "x'; drop table permissions; --", {})).rejects.toMatchObject({ details: expect.stringContaining('service') });
  });

  it('cannot be reached over HTTP', async () => {
    const reply = await gateway('/user/set-permissions', { method: 'POST', body: '{}' });
    expect(reply.status).toBe(404);
  });
});

describe('POST /user/update', () => {
  it('sets the username once, then refuses with the reference message', async () => {
    const user = uniqueUser();
    const token = await logIn('google', user);
    const name = `user_${user.id}`.slice(0, 40);
    expect((await gateway(`/user/update?username=${name}`, { method: 'POST', ...bearer(token) })).json).toEqual({ success: true });
    expect((await gateway(`/auth/update?username=other${user.id}`.slice(0, 60), { method: 'POST', ...bearer(token) })).json).toEqual({
      success: false,
      error: 'Cannot modify username, already set',
    });
    expect(((await gateway('/user/check', bearer(token))).json as { profile: { username: string } }).profile.username).toBe(name);
  });

  it('shows the new username on every server process within a second of the setting (each remembers users it has read)', async () => {
    const user = uniqueUser();
    const token = await logIn('google', user);
    const processes = testStack().serverHttpPorts.length;
    const usernames = async () => {
      const checks = await Promise.all(Array.from({ length: 8 * processes }, () => gateway('/user/check', bearer(token))));
      return checks.map((reply) => (reply.json as { profile: { username?: string } }).profile.username ?? null);
    };
    // Read on every process first, so each remembers the record without a username.
    expect(await usernames()).toEqual(Array.from({ length: 8 * processes }, () => null));
    const name = `every_${user.id}`.slice(0, 40);
    expect((await gateway(`/user/update?username=${name}`, { method: 'POST', ...bearer(token) })).json).toEqual({ success: true });
    // The process that set it forgets its copy at once; the others when PostgreSQL's notification reaches them.
    await expect.poll(usernames, { timeout: 1000, interval: 20 }).toEqual(Array.from({ length: 8 * processes }, () => name));
  });

  it('rejects a username someone else has, and invalid usernames, changing nothing', async () => {
    const first = uniqueUser();
    const firstToken = await logIn('google', first);
    const taken = `taken${first.id}`.slice(0, 40);
    await gateway(`/user/update?username=${taken}`, { method: 'POST', ...bearer(firstToken) });
    const second = await logIn('google', uniqueUser());
    expect((await gateway(`/user/update?username=${taken}`, { method: 'POST', ...bearer(second) })).json).toEqual({ success: false, error: 'Username taken' });
    for (const bad of ['ab', 'x'.repeat(41), 'white space', '<script>', "o'neil", '-leading', 'trailing_']) {
      const reply = await gateway(`/user/update?username=${encodeURIComponent(bad)}`, { method: 'POST', ...bearer(second) });
      expect(reply.json, bad).toEqual({ success: false, error: expect.stringMatching(/^Invalid username/) });
    }
    expect(((await gateway('/user/check', bearer(second))).json as { profile: { username?: string } }).profile.username).toBeUndefined();
  });

  it('answers No token / Not authenticated, and succeeds without a username (no change)', async () => {
    expect((await gateway('/user/update?username=someone', { method: 'POST' })).json).toEqual({ success: false, error: 'No token' });
    expect((await gateway('/user/update?username=someone&jwt=bad.token.here', { method: 'POST' })).json).toEqual({ success: false, error: 'Not authenticated' });
    const token = await logIn('google', uniqueUser());
    expect((await gateway('/user/update', { method: 'POST', ...bearer(token) })).json).toEqual({ success: true });
  });
});

describe('POST /user/logout', () => {
  it('revokes the user token', async () => {
    const token = await logIn('google', uniqueUser());
    expect((await gateway('/user/logout', { method: 'POST', ...bearer(token) })).json).toEqual({ success: true });
    expect(((await gateway('/user/check', bearer(token))).json as { authenticated: boolean }).authenticated).toBe(false);
    expect((await gateway(`/user/authorize?service=os.datastore`, bearer(token))).json).toEqual({ permissions: {} });
    const again = await gateway('/auth/logout', { method: 'POST', ...bearer(token) });
    expect(again.status).toBe(401);
  });

  it('is refused by every server process within a second of the logout (a used token is remembered as verified)', async () => {
    const token = await logIn('google', uniqueUser());
    const processes = testStack().serverHttpPorts.length;
    // Used on every process first, so each holds it as verified (the cache must not outlive the revocation).
    for (let i = 0; i < 4 * processes; i++) expect(((await gateway('/user/check', bearer(token))).json as { authenticated: boolean }).authenticated).toBe(true);
    expect((await gateway('/user/logout', { method: 'POST', ...bearer(token) })).json).toEqual({ success: true });
    // The process that revoked it refuses it at once; the others when PostgreSQL's notification reaches them.
    const authenticated = async () => {
      const checks = await Promise.all(Array.from({ length: 8 * processes }, () => gateway('/user/check', bearer(token))));
      return checks.map((reply) => (reply.json as { authenticated: boolean }).authenticated);
    };
    await expect.poll(authenticated, { timeout: 1000, interval: 20 }).toEqual(Array.from({ length: 8 * processes }, () => false));
  });

  it('revokes the permission tokens made from it; until then they live as long as the user token (os-packager keeps one all session)', async () => {
    const token = await logIn('google', uniqueUser());
    const userClaims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { exp: number };
    const { token: permission } = (await gateway('/user/authorize?service=os.datastore', bearer(token))).json as { token: string };
    const permissionClaims = JSON.parse(Buffer.from(permission.split('.')[1] ?? '', 'base64url').toString()) as { exp: number };
    expect(permissionClaims.exp).toBe(userClaims.exp);
    expect((await gateway('/datastore/info', bearer(permission))).status).toBe(200);
    expect((await gateway('/user/logout', { method: 'POST', ...bearer(token) })).json).toEqual({ success: true });
    const after = await gateway('/datastore/info', bearer(permission));
    expect(after.status).toBe(401);
    expect(after.json).toMatchObject({ message: 'Token has been revoked' });
  });
});

describe('GET /user/lib', () => {
  it('serves the browser auth client as a classic script (no export, no import.meta), under /user and /auth', async () => {
    for (const path of ['/user/lib', '/auth/lib']) {
      const reply = await gateway(path);
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
      expect(reply.text).toContain('function createAuthClient');
      expect(reply.text).not.toMatch(/^export |import\.meta/m);
      expect(reply.text).toContain('window.conductorAuth');
      expect(reply.text).toContain("'authClient'");
    }
  });
});

describe('the local development login', () => {
  it('is listed by /user/check and logs a person in by name and email through the normal redirect', async () => {
    const next = `${testStack().appOrigin}/after-login?tab=2`;
    const check = (await gateway(`/user/check?next=${encodeURIComponent(next)}`)).json as { providers: Record<string, { url: string }> };
    expect(Object.keys(check.providers).sort()).toEqual(['github', 'google', 'local']);
    const start = await fetch(check.providers.local?.url ?? '', { redirect: 'manual' });
    expect(start.status).toBe(302);
    const cookie = start.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
    const form = await fetch(String(start.headers.get('location')), { headers: { cookie } });
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('<form method="get"');
    const email = `local-${Date.now()}@example.test`;
    const done = await fetch(`${testStack().gateway}/oauth/local/callback?name=${encodeURIComponent('Ada Local')}&email=${encodeURIComponent(email)}`, { headers: { cookie }, redirect: 'manual' });
    expect(done.status).toBe(302);
    const back = new URL(String(done.headers.get('location')));
    expect(`${back.origin}${back.pathname}?tab=${back.searchParams.get('tab')}`).toBe(next);
    const jwt = back.searchParams.get('jwt') ?? '';
    const me = (await gateway('/user/check', bearer(jwt))).json as { authenticated: boolean; profile: { name: string; email: string; idhash: string } };
    expect(me).toMatchObject({ authenticated: true, profile: { name: 'Ada Local', email, idhash: md5(email) } });
  });

  it('refuses a callback without its login cookie, a bad email, and a next on a foreign origin', async () => {
    const callback = await gateway(`/oauth/local/callback?name=x&email=${encodeURIComponent('x@example.test')}`);
    expect(callback.status).toBe(400);
    expect(callback.json).toMatchObject({ code: 3, message: expect.stringContaining('Login session') });
    const foreign = await gateway(`/oauth/login/local?next=${encodeURIComponent('https://evil.example/')}`);
    expect(foreign.status).toBe(400);
    const start = await fetch(`${testStack().gateway}/oauth/login/local?next=${encodeURIComponent(testStack().appOrigin)}`, { redirect: 'manual' });
    const cookie = start.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
    const badEmail = await gateway(`/oauth/local/callback?name=x&email=${encodeURIComponent('not-an-email')}`, { headers: { cookie } });
    expect(badEmail.status).toBe(400);
    expect(badEmail.json).toMatchObject({ message: 'email must be an email address' });
  });
});
