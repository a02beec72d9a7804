import { checkNextUrl, withToken } from '../../core/auth/next-url.js';
import { CoreError } from '../../core/errors.js';
import { sendJsonError, type HttpRoute } from './http-listener.js';
import { cookie, loginCookie, readLoginCookie, startLogin, type OAuthDeps } from './oauth.routes.js';

/** The provider name of the development login. */
export const localProvider = 'local';

const emailPattern = /^[^\s@<>"]{1,64}@[^\s@<>"]{1,190}\.[^\s@<>"]{2,63}$/;
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/**
 * The development login (`CONDUCTOR_LOCAL_LOGIN`, on under `npm start`, and
 * refused by the configuration unless the public URL is loopback): a page
 * asks for a name and an email and the user is logged in as that person —
 * through the same login cookie, user records and redirect to `next` with
 * `jwt` as a provider login, so the browser library and everything after it
 * take their real paths. There is no password: it exists for one machine.
 */
export function localLoginRoutes(deps: OAuthDeps): HttpRoute[] {
  const secure = deps.publicUrl.startsWith('https:');

  const start: HttpRoute = {
    matches: (path) => path === `/oauth/login/${localProvider}`,
    handle: (_request, response, url) => startLogin(deps, response, url, localProvider, `${deps.publicUrl}/oauth/local`),
  };

  const form: HttpRoute = {
    matches: (path) => path === '/oauth/local',
    handle: (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', // No form-action: Chromium applies it to the redirect back to the app's origin as well.
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" });
      response.end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Conductor — local login</title>
<style>body{font-family:sans-serif;max-width:28rem;margin:4rem auto}label{display:block;margin:1rem 0}input{width:100%;padding:.4rem}</style></head>
<body><h1>Local login</h1><p>For development on this machine only: you are logged in as whoever you say.</p>
<form method="get" action="${escapeHtml(deps.publicUrl)}/oauth/local/callback">
<label>Name <input name="name" required maxlength="200" autocomplete="name"></label>
<label>Email <input name="email" type="email" required maxlength="254" autocomplete="email"></label>
<button type="submit">Log in</button></form></body></html>`);
    },
  };

  const callback: HttpRoute = {
    matches: (path) => path === '/oauth/local/callback',
    handle: async (request, response, url) => {
      const login = await readLoginCookie(request, deps.codec);
      if (!login || login.provider !== localProvider) return sendJsonError(response, 400, 3, 'Login session missing or expired; start the login again');
      const name = (url.searchParams.get('name') ?? '').trim();
      const email = (url.searchParams.get('email') ?? '').trim();
      if (!name || name.length > 200) return sendJsonError(response, 400, 3, 'name is required (at most 200 characters)');
      if (!emailPattern.test(email)) return sendJsonError(response, 400, 3, 'email must be an email address');
      const next = checkNextUrl(login.next, deps.config.allowedOrigins);
      let token: string | undefined;
      try {
        const user = await deps.users.login({ provider: localProvider, providerId: email.toLowerCase(), name, email, emailVerified: true, avatarUrl: '' });
        token = await deps.tokens.issueUserToken(user.idhash);
      } catch (error) {
        if (!(error instanceof CoreError)) throw error;
        deps.logger.info({ provider: localProvider, reason: error.message }, 'login refused');
      }
      response.writeHead(302, { location: withToken(next, token), 'set-cookie': cookie(loginCookie, '', 0, secure), 'cache-control': 'no-store' });
      response.end();
    },
  };

  return [start, form, callback];
}
