import { providerControl, type ProviderName, type ProviderUser } from './oauth-provider.ts';
import { testStack } from '../setup/test-stack.ts';

/** A browser's cookie jar, reduced to what the login flow needs. */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair?.indexOf('=') ?? -1;
      if (pair && at > 0) this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
  }
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** Every hop of a login, as a browser would follow it. */
export interface LoginTrace {
  /** Where the flow finally sends the browser (the app's `next`), or the last non-redirect answer. */
  location: string | undefined;
  status: number;
  hops: string[];
  /** The jwt added to next, if any. */
  jwt: string | undefined;
}

/**
 * Follows a login from its start URL through Envoy, grant and the local
 * provider back to `next`, carrying cookies like a browser; stops at the first
 * URL outside the gateway and the provider (the app's page).
 */
export async function followLogin(startUrl: string, options: { tamper?: (url: URL) => void } = {}): Promise<LoginTrace> {
  const { gateway, oauthProvider } = testStack();
  const jar = new CookieJar();
  const hops: string[] = [];
  let url = startUrl;
  for (let hop = 0; hop < 10; hop++) {
    hops.push(url);
    if (!url.startsWith(gateway) && !url.startsWith(oauthProvider)) {
      return { location: url, status: 302, hops, jwt: new URL(url).searchParams.get('jwt') ?? undefined };
    }
    const target = new URL(url);
    if (target.pathname.endsWith('/callback')) options.tamper?.(target);
    const response = await fetch(target, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.store(response);
    const location = response.headers.get('location');
    if (response.status !== 302 || !location) {
      return { location: undefined, status: response.status, hops, jwt: undefined };
    }
    url = new URL(location, url).toString();
  }
  throw new Error(`login did not finish: ${hops.join(' -> ')}`);
}

/** The login start URL `/user/check` hands out for a provider and a next URL. */
export async function loginUrlFor(provider: ProviderName, next: string): Promise<string> {
  const response = await fetch(`${testStack().gateway}/user/check?next=${encodeURIComponent(next)}`);
  const body = (await response.json()) as { providers: Record<string, { url: string }> };
  const url = body.providers[provider]?.url;
  if (!url) throw new Error(`no login URL for ${provider}`);
  return url;
}

/** Logs a provider user in end to end and returns the user token. */
export async function logIn(provider: ProviderName, user: ProviderUser, next = `${testStack().appOrigin}/after-login`): Promise<string> {
  await providerControl.setNextUser(testStack().oauthProvider, provider, user);
  const trace = await followLogin(await loginUrlFor(provider, next));
  if (!trace.jwt) throw new Error(`login gave no token: ${trace.hops.join(' -> ')}`);
  return trace.jwt;
}

let counter = 0;
/** A provider user nobody else in the run uses. */
export function uniqueUser(overrides: Partial<ProviderUser> = {}): ProviderUser {
  counter += 1;
  const id = `${Date.now()}${process.pid}${counter}`;
  return {
    id,
    name: `Test User ${id}`,
    email: `user-${id}@example.test`,
    emailVerified: true,
    avatarUrl: `https://avatars.example.test/${id}.png`,
    ...overrides,
  };
}
