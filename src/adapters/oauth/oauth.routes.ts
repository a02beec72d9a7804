import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import grant from 'grant';
import type { AuthConfig, IdentityProviderConfig } from '../../config/auth.config.js';
import { CoreError } from '../../core/errors.js';
import { checkNextUrl, withToken } from '../../core/auth/next-url.js';
import type { TokenService } from '../../core/auth/tokens.service.js';
import type { UserService } from '../../core/auth/users.service.js';
import type { Logger } from '../../logger.js';
import type { SigningKeys } from '../../ports/signing-keys.js';
import type { TokenCodec } from '../../ports/token-codec.js';
import { sendJsonError, type HttpRoute } from './http-listener.js';
import { providerScopes, toProviderProfile } from './provider-profiles.js';

export interface OAuthDeps {
  config: Pick<AuthConfig, 'providers' | 'allowedOrigins'>;
  publicUrl: string;
  keys: SigningKeys;
  codec: TokenCodec;
  tokens: TokenService;
  users: UserService;
  logger: Logger;
}

export const loginCookie = 'conductor_login';
/** grant's own session cookie (state, PKCE verifier) between the redirect to the provider and the callback. */
const grantSessionCookie = 'conductor_oauth';
const loginSeconds = 600;

/** Where the login with a provider starts (what `/user/check` lists). */
export function loginUrl(publicUrl: string, provider: string, next: string | undefined): string {
  const url = new URL(`${publicUrl}/oauth/login/${provider}`);
  if (next) url.searchParams.set('next', next);
  return url.toString();
}

/**
 * The browser side of login, on Conductor's HTTP listener behind /oauth/:
 * `/oauth/login/<provider>?next=…` checks `next` and remembers it in a signed
 * short-lived cookie; grant runs the OAuth flow (state, PKCE) under
 * `/oauth/connect/<provider>`; its callback finds or creates the user and
 * redirects to `next` with `jwt` added.
 */
export function oauthRoutes(deps: OAuthDeps): HttpRoute[] {
  const providers = new Map(deps.config.providers.map((provider) => [provider.name, provider]));
  const secure = deps.publicUrl.startsWith('https:');
  // grant is CommonJS; under NodeNext its typings put the handler factories on `.default` (also valid at run time).
  const handleGrant = grant.default.node({
    config: {
      defaults: { origin: deps.publicUrl, prefix: '/oauth/connect', transport: 'state', state: true, pkce: true, response: ['tokens', 'profile'] },
      ...Object.fromEntries(
        deps.config.providers.map((provider) => [
          provider.name,
          { key: provider.key, secret: provider.secret, scope: providerScopes[provider.name], authorize_url: provider.authorizeUrl, access_url: provider.accessUrl, profile_url: provider.profileUrl },
        ]),
      ),
    },
    session: {
      name: grantSessionCookie,
      // Derived from the service key so no extra secret has to be configured.
      secret: createHash('sha256').update(deps.keys.privateKey.export({ format: 'der', type: 'pkcs8' })).update('oauth-session').digest('hex'),
      cookie: { path: '/oauth', httpOnly: true, sameSite: 'lax', secure },
    },
  });

  const start: HttpRoute = {
    matches: (path) => /^\/oauth\/login\/[^/]+$/.test(path),
    handle: async (request, response, url) => {
      const provider = providers.get(url.pathname.split('/')[3] as IdentityProviderConfig['name']);
      if (!provider) return sendJsonError(response, 404, 5, 'No such identity provider');
      return startLogin(deps, response, url, provider.name, `${deps.publicUrl}/oauth/connect/${provider.name}`);
    },
  };

  const connect: HttpRoute = {
    matches: (path) => path.startsWith('/oauth/connect/'),
    handle: async (request, response) => {
      const provider = providers.get((request.url ?? '').split(/[/?]/)[3] as IdentityProviderConfig['name']);
      if (!provider) return sendJsonError(response, 404, 5, 'No such identity provider');
      // Grant's steps (and above all its callback) only run for a login started
      // here with this provider: the signed cookie set by /oauth/login.
      const login = await readLoginCookie(request, deps.codec);
      if (!login || login.provider !== provider.name) {
        return sendJsonError(response, 400, 3, 'Login session missing or expired; start the login again');
      }
      const next = checkNextUrl(login.next, deps.config.allowedOrigins);
      // A callback whose OAuth session is gone (cookie blocked or expired)
      // cannot finish; grant would send the browser to `/`. Back to the
      // client instead, without a jwt, as for any refused login.
      const sessionLost = /\/callback(\?|$)/.test(request.url ?? '') && readCookie(request, grantSessionCookie) === undefined;
      let token: string | undefined;
      if (!sessionLost) {
        const result = await handleGrant(request, response);
        if (result.redirect) return;
        token = await finishLogin(deps, provider, result.response as Record<string, unknown> | undefined);
      }
      response.writeHead(302, {
        location: withToken(next, token),
        'set-cookie': [cookie(loginCookie, '', 0, secure), cookie(grantSessionCookie, '', 0, secure)],
        'cache-control': 'no-store',
      });
      response.end();
    },
  };

  return [start, connect];
}

/** Returns a user token, or undefined when the provider refused or the account cannot log in (the redirect then carries no jwt). */
async function finishLogin(deps: OAuthDeps, provider: IdentityProviderConfig, grantResponse: Record<string, unknown> | undefined): Promise<string | undefined> {
  const accessToken = typeof grantResponse?.access_token === 'string' ? grantResponse.access_token : undefined;
  const profile = grantResponse?.profile;
  if (!grantResponse || grantResponse.error || !accessToken || typeof profile !== 'object' || profile === null) {
    deps.logger.info({ provider: provider.name, error: grantResponse?.error }, 'login refused by provider');
    return undefined;
  }
  try {
    const user = await deps.users.login(await toProviderProfile(provider, profile as Record<string, unknown>, accessToken));
    return await deps.tokens.issueUserToken(user.idhash);
  } catch (error) {
    if (!(error instanceof CoreError)) deps.logger.error({ err: error, provider: provider.name }, 'login failed');
    else deps.logger.info({ provider: provider.name, reason: error.message }, 'login refused');
    return undefined;
  }
}

/**
 * Starts a login with any provider: checks `next`, keeps it (with the
 * provider) in the signed login cookie, and sends the browser on to `location`.
 */
export async function startLogin(deps: OAuthDeps, response: ServerResponse, url: URL, provider: string, location: string): Promise<void> {
  let next: URL;
  try {
    next = checkNextUrl(url.searchParams.get('next') ?? undefined, deps.config.allowedOrigins);
  } catch (error) {
    return sendJsonError(response, 400, 3, (error as Error).message);
  }
  const state = await deps.codec.sign('oauth-login', { next: next.toString(), provider }, loginSeconds);
  response.writeHead(302, { location, 'set-cookie': cookie(loginCookie, state, loginSeconds, deps.publicUrl.startsWith('https:')), 'cache-control': 'no-store' });
  response.end();
}

export async function readLoginCookie(request: IncomingMessage, codec: TokenCodec): Promise<{ next: string; provider: string } | undefined> {
  const value = readCookie(request, loginCookie);
  if (!value) return undefined;
  try {
    const claims = await codec.verify('oauth-login', decodeURIComponent(value));
    return typeof claims.next === 'string' && typeof claims.provider === 'string' ? { next: claims.next, provider: claims.provider } : undefined;
  } catch {
    return undefined;
  }
}

export function readCookie(request: IncomingMessage, wanted: string): string | undefined {
  return (request.headers.cookie ?? '')
    .split(';')
    .map((part) => part.trim().split('='))
    .find(([name]) => name === wanted)?.[1] || undefined;
}

export function cookie(name: string, value: string, maxAge: number, secure: boolean): string {
  return `${name}=${encodeURIComponent(value)}; Path=/oauth; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

