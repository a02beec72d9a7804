/** The local OAuth provider behaves like a real authorization server, over real HTTP. */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOAuthProvider, type OAuthProvider, type ProviderName, type ProviderUser } from '../support/oauth-provider.ts';

const REDIRECT_URI = 'http://127.0.0.1:9/auth/callback?from=test';

const alice: ProviderUser = { id: '1001', name: 'Alice Example', email: 'alice@example.org', emailVerified: true, avatarUrl: 'https://avatars.example/alice.png', login: 'alice' };
const bob: ProviderUser = { id: '2002', name: 'Bob Example', email: 'bob@example.org', emailVerified: false, avatarUrl: 'https://avatars.example/bob.png', login: 'bob' };

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

describe('local OAuth provider', () => {
  let provider: OAuthProvider;

  beforeAll(async () => {
    provider = await startOAuthProvider();
  });
  afterAll(async () => {
    await provider.close();
  });

  /** Sends the browser to /authorize and returns the parsed redirect (the provider always 302s on success). */
  async function authorize(p: ProviderName, extra: Record<string, string> = {}): Promise<URL> {
    const url = new URL(provider[p].authorizeUrl);
    const query = { response_type: 'code', client_id: provider.clients[p].id, redirect_uri: REDIRECT_URI, scope: 'openid email', ...extra };
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    return new URL(res.headers.get('location') ?? '');
  }

  /** Exchanges a code at the token endpoint; credentials go in the body unless `basic` is set. */
  async function token(p: ProviderName, fields: Record<string, string>, opts: { secret?: string; basic?: boolean } = {}): Promise<{ status: number; body: Record<string, unknown> }> {
    const { id } = provider.clients[p];
    const secret = opts.secret ?? provider.clients[p].secret;
    const form = new URLSearchParams({ grant_type: 'authorization_code', redirect_uri: REDIRECT_URI, ...fields });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if (opts.basic) headers.authorization = `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
    else {
      form.set('client_id', id);
      form.set('client_secret', secret);
    }
    const res = await fetch(provider[p].accessUrl, { method: 'POST', headers, body: form });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it('runs the Google code flow with PKCE: authorize, token, userinfo', async () => {
    provider.setNextUser('google', alice);
    const { verifier, challenge } = pkce();
    const state = 'st&te =/?é';
    const back = await authorize('google', { state, code_challenge: challenge, code_challenge_method: 'S256' });

    expect(`${back.origin}${back.pathname}`).toBe('http://127.0.0.1:9/auth/callback');
    expect(back.searchParams.get('from')).toBe('test');
    expect(back.searchParams.get('state')).toBe(state);
    const code = back.searchParams.get('code');
    expect(code).toMatch(/^[\w-]{20,}$/);

    const { status, body } = await token('google', { code: code ?? '', code_verifier: verifier });
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'bearer', scope: 'openid email', expires_in: 3599 });
    expect(body.access_token).toEqual(expect.any(String));

    const userinfo = await fetch(provider.google.profileUrl, { headers: { authorization: `Bearer ${String(body.access_token)}` } });
    expect(userinfo.status).toBe(200);
    expect(await userinfo.json()).toEqual({ sub: '1001', name: 'Alice Example', email: 'alice@example.org', email_verified: true, picture: 'https://avatars.example/alice.png' });

    const noToken = await fetch(provider.google.profileUrl);
    expect(noToken.status).toBe(401);
    expect(await noToken.json()).toEqual({ error: 'invalid_token' });
    expect(provider.requests).toContainEqual({ provider: 'google', path: '/google/token', method: 'POST' });
  });

  it('runs the GitHub code flow with Basic client auth: user and user/emails', async () => {
    provider.setNextUser('github', bob);
    const { verifier, challenge } = pkce();
    const back = await authorize('github', { code_challenge: challenge, code_challenge_method: 'S256' });
    expect(back.searchParams.has('state')).toBe(false); // no state sent, none invented

    const { status, body } = await token('github', { code: back.searchParams.get('code') ?? '', code_verifier: verifier }, { basic: true });
    expect(status).toBe(200);
    expect(body).not.toHaveProperty('expires_in');
    const accessToken = String(body.access_token);

    const user = await fetch(provider.github.profileUrl, { headers: { authorization: `token ${accessToken}` } });
    // Bob's address is unverified, so GitHub would not show it on the profile.
    expect(await user.json()).toEqual({ id: 2002, login: 'bob', name: 'Bob Example', email: null, avatar_url: 'https://avatars.example/bob.png' });

    const emails = await fetch(provider.github.emailsUrl ?? '', { headers: { authorization: `Bearer ${accessToken}` } });
    expect(await emails.json()).toEqual([
      { email: 'bob@example.org', primary: true, verified: false, visibility: 'public' },
      { email: 'other-2002@users.noreply.github.com', primary: false, verified: true, visibility: null },
    ]);

    // A GitHub token means nothing to Google.
    const cross = await fetch(provider.google.profileUrl, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(cross.status).toBe(401);
  });

  it('refuses a wrong code_verifier, and the code is gone afterwards', async () => {
    provider.setNextUser('google', alice);
    const { verifier, challenge } = pkce();
    const code = (await authorize('google', { code_challenge: challenge, code_challenge_method: 'S256' })).searchParams.get('code') ?? '';

    const wrong = await token('google', { code, code_verifier: pkce().verifier });
    expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const missing = await token('google', { code });
    expect(missing).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const right = await token('google', { code, code_verifier: verifier });
    expect(right).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('accepts a code only once', async () => {
    provider.setNextUser('github', alice);
    const code = (await authorize('github')).searchParams.get('code') ?? '';
    expect((await token('github', { code })).status).toBe(200);
    expect(await token('github', { code })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('refuses a redirect_uri that differs from the one at authorize', async () => {
    provider.setNextUser('google', alice);
    const code = (await authorize('google')).searchParams.get('code') ?? '';
    expect(await token('google', { code, redirect_uri: 'http://127.0.0.1:9/elsewhere' })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('refuses a wrong client secret, in the body or by Basic auth', async () => {
    provider.setNextUser('google', alice);
    const code = (await authorize('google')).searchParams.get('code') ?? '';
    expect(await token('google', { code }, { secret: 'not-the-secret' })).toMatchObject({ status: 400, body: { error: 'invalid_client' } });
    expect(await token('google', { code }, { secret: 'not-the-secret', basic: true })).toMatchObject({ status: 400, body: { error: 'invalid_client' } });
    // The other provider's secret is not this provider's either.
    expect(await token('google', { code }, { secret: provider.clients.github.secret })).toMatchObject({ status: 400, body: { error: 'invalid_client' } });
  });

  it('refuses an unknown client_id at authorize with a plain 400', async () => {
    const url = new URL(provider.google.authorizeUrl);
    url.search = new URLSearchParams({ response_type: 'code', client_id: 'someone-else', redirect_uri: REDIRECT_URI }).toString();
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  });

  it('redirects back with the error set by setNextError, once', async () => {
    provider.setNextUser('google', alice);
    provider.setNextError('google', 'access_denied');
    const denied = await authorize('google', { state: 'abc' });
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(denied.searchParams.get('state')).toBe('abc');
    expect(denied.searchParams.has('code')).toBe(false);

    const next = await authorize('google', { state: 'abc' });
    expect(next.searchParams.has('error')).toBe(false);
    expect(next.searchParams.get('code')).toEqual(expect.any(String));
  });

  it('answers 404 JSON to unknown paths', async () => {
    for (const path of ['/nowhere', '/google/nowhere', '/github/userinfo', '/google/user']) {
      const res = await fetch(`${provider.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.json()).toEqual({ error: 'not_found' });
    }
    expect(provider.requests).toContainEqual({ provider: '', path: '/nowhere', method: 'GET' });
  });
});
