/**
 * A small local OAuth 2.0 authorization server that stands in for Google and GitHub in tests,
 * because the real providers cannot be reached from the test machine. Authorization code grant
 * with optional PKCE (S256 only), one-time codes, bearer tokens and the two providers' profile
 * endpoints. Consent is automatic: /authorize logs in as whoever setNextUser named.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The two providers this server imitates. */
export type ProviderName = 'google' | 'github';

/** Who "logs in" at a provider: the account the next /authorize consents as. */
export interface ProviderUser {
  id: string; // Google `sub`; for GitHub a numeric id as a string
  name: string;
  email: string;
  emailVerified: boolean;
  avatarUrl: string;
  login?: string; // GitHub login name
}

/** Absolute URLs of one provider's endpoints, as a client would configure them. */
export interface ProviderEndpoints { authorizeUrl: string; accessUrl: string; profileUrl: string; emailsUrl?: string }

/** A running fake provider; `requests` logs every request as { provider, path (pathname), method }. */
export interface OAuthProvider {
  url: string;
  google: ProviderEndpoints;
  github: ProviderEndpoints;
  clients: { google: { id: string; secret: string }; github: { id: string; secret: string } };
  setNextUser(provider: ProviderName, user: ProviderUser): void;
  setNextError(provider: ProviderName, error: string | undefined): void;
  requests: { provider: string; path: string; method: string }[];
  close(): Promise<void>;
}

interface Grant { provider: ProviderName; clientId: string; redirectUri: string; user: ProviderUser; scope: string; challenge: string | null; expiresAt: number }

const CODE_LIFETIME_MS = 60_000;

const random = (): string => randomBytes(24).toString('base64url');
const s256 = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers }).end(text);
}

/** Reads a token request body, form-encoded or JSON, into one shape; non-string JSON values are dropped. */
async function readParams(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!(req.headers['content-type'] ?? '').includes('json')) return new URLSearchParams(text);
  const json: unknown = JSON.parse(text);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('JSON body is not an object');
  return new URLSearchParams(Object.entries(json).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** Client credentials from HTTP Basic (form-encoded per RFC 6749 §2.3.1) or else from the body. */
function clientCredentials(req: IncomingMessage, params: URLSearchParams): { id: string | null; secret: string | null } {
  const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!basic?.[1]) return { id: params.get('client_id'), secret: params.get('client_secret') };
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { id: null, secret: null };
  try {
    const formDecode = (s: string): string => decodeURIComponent(s.replace(/\+/g, ' '));
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return { id: null, secret: null }; // malformed %-escape
  }
}

/** Starts the provider on 127.0.0.1 with an ephemeral port. */
export async function startOAuthProvider(): Promise<OAuthProvider> {
  const clients = {
    google: { id: `google-client-${random()}`, secret: random() },
    github: { id: `github-client-${random()}`, secret: random() },
  };
  // The next user stays until replaced, so a test can log in several times as the same person.
  const nextUser: Partial<Record<ProviderName, ProviderUser>> = {};
  const nextError: Partial<Record<ProviderName, string>> = {};
  const grants = new Map<string, Grant>();
  const tokens = new Map<string, { provider: ProviderName; user: ProviderUser }>();
  const requests: OAuthProvider['requests'] = [];

  function authorize(p: ProviderName, query: URLSearchParams, res: ServerResponse): void {
    if (query.get('client_id') !== clients[p].id) return send(res, 400, 'unknown client_id');
    if (query.get('response_type') !== 'code') return send(res, 400, 'response_type must be code');
    let redirect: URL;
    try {
      redirect = new URL(query.get('redirect_uri') ?? '');
    } catch {
      return send(res, 400, 'redirect_uri must be an absolute URL');
    }
    if (redirect.protocol !== 'http:' && redirect.protocol !== 'https:') return send(res, 400, 'redirect_uri must be http(s)');
    const challenge = query.get('code_challenge');
    if (challenge !== null && query.get('code_challenge_method') !== 'S256') return send(res, 400, 'only code_challenge_method=S256 is supported');

    const error = nextError[p];
    if (error !== undefined) {
      delete nextError[p]; // one failed login, then back to normal
      redirect.searchParams.append('error', error);
    } else {
      const user = nextUser[p];
      if (!user) return send(res, 400, 'no user set');
      const code = random();
      // Keep redirect_uri as sent: the token request must repeat it exactly, not a normalised form.
      const redirectUri = query.get('redirect_uri') ?? '';
      grants.set(code, { provider: p, clientId: clients[p].id, redirectUri, user, scope: query.get('scope') ?? '', challenge, expiresAt: Date.now() + CODE_LIFETIME_MS });
      redirect.searchParams.append('code', code);
    }
    const state = query.get('state');
    if (state !== null) redirect.searchParams.append('state', state);
    res.writeHead(302, { location: redirect.href, 'cache-control': 'no-store' }).end();
  }

  async function token(p: ProviderName, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const fail = (error: string, description: string): void => send(res, 400, { error, error_description: description });
    let params: URLSearchParams;
    try {
      params = await readParams(req);
    } catch {
      return fail('invalid_request', 'body is neither form-encoded nor a JSON object');
    }
    const client = clientCredentials(req, params);
    if (client.id !== clients[p].id || client.secret !== clients[p].secret) return fail('invalid_client', 'unknown client or wrong secret');
    if (params.get('grant_type') !== 'authorization_code') return fail('invalid_request', 'grant_type must be authorization_code');

    const code = params.get('code') ?? '';
    const grant = grants.get(code);
    grants.delete(code); // single use, even when the rest of the request turns out wrong
    if (!grant || grant.provider !== p || grant.clientId !== client.id) return fail('invalid_grant', 'unknown or already used code');
    if (Date.now() > grant.expiresAt) return fail('invalid_grant', 'code expired');
    if (params.get('redirect_uri') !== grant.redirectUri) return fail('invalid_grant', 'redirect_uri differs from the one at authorize');
    const verifier = params.get('code_verifier');
    if (grant.challenge !== null && (verifier === null || s256(verifier) !== grant.challenge)) return fail('invalid_grant', 'code_verifier does not match code_challenge');
    // A verifier without a challenge means someone stripped PKCE from the authorize request.
    if (grant.challenge === null && verifier !== null) return fail('invalid_grant', 'code_verifier sent but no code_challenge at authorize');

    const accessToken = random();
    tokens.set(accessToken, { provider: p, user: grant.user });
    send(res, 200, { access_token: accessToken, token_type: 'bearer', scope: grant.scope, ...(p === 'google' ? { expires_in: 3599 } : {}) });
  }

  /** The user behind the request's access token; GitHub also accepts its legacy `token` scheme. */
  function bearerUser(p: ProviderName, req: IncomingMessage): ProviderUser | undefined {
    const scheme = p === 'github' ? /^(?:Bearer|token)\s+(\S+)$/i : /^Bearer\s+(\S+)$/i;
    const issued = tokens.get(scheme.exec(req.headers.authorization ?? '')?.[1] ?? '');
    return issued?.provider === p ? issued.user : undefined;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = /^\/(google|github)(\/.*)$/.exec(url.pathname);
    const p = match?.[1] as ProviderName | undefined;
    const route = `${req.method ?? ''} ${match?.[2] ?? ''}`;
    requests.push({ provider: p ?? '', path: url.pathname, method: req.method ?? '' });
    // Test files run in other processes than the one that started the provider: they steer it over HTTP.
    const control = /^\/_control\/(google|github)\/(next-user|next-error)$/.exec(url.pathname);
    if (control && req.method === 'POST') {
      const body = JSON.parse((await readBody(req)) || '{}') as ProviderUser & { error?: string };
      if (control[2] === 'next-user') nextUser[control[1] as ProviderName] = body;
      else if (body.error === undefined) delete nextError[control[1] as ProviderName];
      else nextError[control[1] as ProviderName] = body.error;
      return send(res, 204, '');
    }
    if (!p) return send(res, 404, { error: 'not_found' });

    if (route === 'GET /authorize') return authorize(p, url.searchParams, res);
    if (route === 'POST /token') return token(p, req, res);
    const profileRoutes = p === 'google' ? ['GET /userinfo'] : ['GET /user', 'GET /user/emails'];
    if (!profileRoutes.includes(route)) return send(res, 404, { error: 'not_found' });

    const user = bearerUser(p, req);
    if (!user) return send(res, 401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    if (route === 'GET /userinfo') {
      return send(res, 200, { sub: user.id, name: user.name, email: user.email, email_verified: user.emailVerified, picture: user.avatarUrl });
    }
    if (route === 'GET /user') {
      const login = user.login ?? `user-${user.id}`;
      return send(res, 200, { id: Number(user.id), login, name: user.name, email: user.emailVerified ? user.email : null, avatar_url: user.avatarUrl });
    }
    send(res, 200, [
      { email: user.email, primary: true, verified: user.emailVerified, visibility: 'public' },
      { email: `other-${user.id}@users.noreply.github.com`, primary: false, verified: true, visibility: null },
    ]);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { error: 'server_error', error_description: String(error) });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    google: { authorizeUrl: `${base}/google/authorize`, accessUrl: `${base}/google/token`, profileUrl: `${base}/google/userinfo` },
    github: { authorizeUrl: `${base}/github/authorize`, accessUrl: `${base}/github/token`, profileUrl: `${base}/github/user`, emailsUrl: `${base}/github/user/emails` },
    clients,
    setNextUser: (p, user) => { nextUser[p] = { ...user }; },
    setNextError: (p, error) => {
      if (error === undefined) delete nextError[p];
      else nextError[p] = error;
    },
    requests,
    close: () => new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections(); // fetch keeps connections alive, which would hold close() open
    }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Steers a provider started in another process (the test run's global setup). */
export const providerControl = {
  async setNextUser(baseUrl: string, provider: ProviderName, user: ProviderUser): Promise<void> {
    await fetch(`${baseUrl}/_control/${provider}/next-user`, { method: 'POST', body: JSON.stringify(user) });
  },
  async setNextError(baseUrl: string, provider: ProviderName, error: string | undefined): Promise<void> {
    await fetch(`${baseUrl}/_control/${provider}/next-error`, { method: 'POST', body: JSON.stringify({ error }) });
  },
};
