/**
 * The browser auth client served at /user/lib, run in Node against hand-written
 * stand-ins for window, history, localStorage and fetch.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAuthClient, installAngularModule } from '../../src/adapters/browser-lib/auth-client.browser.js';

const BASE = 'https://gateway.example';

/** localStorage stand-in. */
class MemoryStorage {
  items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

/** A window at `href` whose history records replaceState calls. */
function fakeWindow(href: string) {
  const win = {
    location: { href, assign: vi.fn() },
    history: {
      state: { page: 1 },
      replaceState: vi.fn((_state: unknown, _title: string, url: string) => {
        win.location.href = new URL(url, win.location.href).href;
      }),
    },
    open: vi.fn(),
  };
  return win;
}

/** fetch stand-in answering every call with `body`. */
function fakeFetch(body: unknown, status = 200) {
  return vi.fn(async (_url: string, _init: { method: string; headers: Record<string, string> }) => ({
    ok: status >= 200 && status < 300,
    status,
    json: async () => body,
  }));
}

/**
 * A client on the stand-ins. They implement only what the library uses, so they
 * are cast: the library's JSDoc names the full DOM types.
 */
function makeClient(parts: { storage?: unknown; fetch?: unknown; window?: unknown; storageKey?: string; baseUrl?: string }) {
  return createAuthClient({ baseUrl: BASE, window: fakeWindow('https://app.example/'), ...parts } as never);
}

function setup(href = 'https://app.example/page', body: unknown = {}) {
  const storage = new MemoryStorage();
  const win = fakeWindow(href);
  const fetch = fakeFetch(body);
  const client = makeClient({ baseUrl: `${BASE}/`, storage, fetch, window: win });
  return { storage, win, fetch, client };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('createAuthClient', () => {
  it('drops the trailing slash of baseUrl and starts without a token', () => {
    const { client } = setup();
    expect(client.baseUrl).toBe(BASE);
    expect(client.token()).toBeNull();
  });

  it('keeps the token in memory when storage cannot be written', () => {
    const broken = { getItem: () => null, setItem: () => { throw new Error('quota'); }, removeItem: () => {} };
    const win = fakeWindow('https://app.example/?jwt=abc');
    const client = makeClient({ storage: broken, fetch: fakeFetch({}), window: win });
    expect(client.captureTokenFromUrl()).toBe('abc');
    expect(client.token()).toBe('abc');
  });
});

describe('captureTokenFromUrl', () => {
  it('stores jwt and removes it from the address bar, keeping other parameters and the fragment', () => {
    const { client, storage, win } = setup('https://app.example/app/page?a=1&jwt=tok.en.sig&b=x%20y#section');
    expect(client.captureTokenFromUrl()).toBe('tok.en.sig');
    expect(storage.getItem('conductor.jwt')).toBe('tok.en.sig');
    expect(win.history.replaceState).toHaveBeenCalledWith({ page: 1 }, '', '/app/page?a=1&b=x%20y#section');
  });

  it('leaves the query string empty when jwt was the only parameter', () => {
    const { client, win } = setup('https://app.example/page?jwt=t#top');
    client.captureTokenFromUrl();
    expect(win.history.replaceState).toHaveBeenCalledWith({ page: 1 }, '', '/page#top');
  });

  it('returns null and touches nothing without jwt', () => {
    const { client, storage, win } = setup('https://app.example/page?a=1');
    expect(client.captureTokenFromUrl()).toBeNull();
    expect(storage.items.size).toBe(0);
    expect(win.history.replaceState).not.toHaveBeenCalled();
  });

  it('uses the configured storage key and an explicitly passed window', () => {
    const storage = new MemoryStorage();
    const client = makeClient({ storage, storageKey: 'my.key', fetch: fakeFetch({}), window: fakeWindow('https://a.example/') });
    expect(client.captureTokenFromUrl(fakeWindow('https://b.example/?jwt=other') as never)).toBe('other');
    expect(storage.getItem('my.key')).toBe('other');
  });
});

describe('check', () => {
  const profile = { id: 'u1', name: 'Ada', email: 'ada@example.org', avatar_url: '', idhash: 'h', join_date: '2024-01-01' };

  it('sends the stored token as a Bearer header, not in the URL, and keeps an accepted token', async () => {
    const { client, storage, fetch } = setup('https://app.example/page', { authenticated: true, profile });
    storage.setItem('conductor.jwt', 'good');
    await expect(client.check('https://app.example/next?x=1')).resolves.toEqual({ authenticated: true, profile });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe(`${BASE}/user/check?next=${encodeURIComponent('https://app.example/next?x=1')}`);
    expect(init.method).toBe('GET');
    expect(init.headers.authorization).toBe('Bearer good');
    expect(client.token()).toBe('good');
  });

  it('forgets a token the server rejects', async () => {
    const providers = { google: { url: `${BASE}/oauth/login/google` } };
    const { client, storage } = setup('https://app.example/page', { authenticated: false, providers });
    storage.setItem('conductor.jwt', 'revoked');
    await expect(client.check()).resolves.toEqual({ authenticated: false, providers });
    expect(client.token()).toBeNull();
    expect(storage.items.size).toBe(0);
  });

  it('captures a token from the URL first and uses the cleaned page as next', async () => {
    const { client, fetch } = setup('https://app.example/page?jwt=fresh&tab=2', { authenticated: true, profile });
    await client.check();
    const [url, init] = fetch.mock.calls[0]!;
    expect(new URL(url).searchParams.get('next')).toBe('https://app.example/page?tab=2');
    expect(new URL(url).searchParams.has('jwt')).toBe(false);
    expect(init.headers.authorization).toBe('Bearer fresh');
  });

  it('sends no Authorization header without a token and rejects on HTTP errors', async () => {
    const { client, fetch } = setup('https://app.example/page', { authenticated: false, providers: {} });
    await client.check();
    expect(fetch.mock.calls[0]![1].headers.authorization).toBeUndefined();

    const failing = makeClient({ storage: new MemoryStorage(), fetch: fakeFetch({}, 502) });
    await expect(failing.check()).rejects.toThrow(/HTTP 502/);
  });
});

describe('authorize', () => {
  it('passes the service and the stored token as a Bearer header', async () => {
    const answer = { token: 'service-token', userid: 'u1', permissions: { 'datapackage-upload': true }, service: 'os.datastore' };
    const { client, storage, fetch } = setup('https://app.example/', answer);
    storage.setItem('conductor.jwt', 'user-token');
    await expect(client.authorize('os.datastore')).resolves.toEqual(answer);
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe(`${BASE}/user/authorize?service=os.datastore`);
    expect(init.headers.authorization).toBe('Bearer user-token');
  });

  it('answers an empty permission set without calling the server when there is no token', async () => {
    const { client, fetch } = setup();
    await expect(client.authorize('os.datastore')).resolves.toEqual({ permissions: {} });
    expect(fetch).not.toHaveBeenCalled();
  });
});

describe('logout', () => {
  it('posts the token and forgets it', async () => {
    const { client, storage, fetch } = setup('https://app.example/', { success: true });
    storage.setItem('conductor.jwt', 'user-token');
    await expect(client.logout()).resolves.toBe(true);
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe(`${BASE}/user/logout`);
    expect(init.method).toBe('POST');
    expect(init.headers.authorization).toBe('Bearer user-token');
    expect(client.token()).toBeNull();
  });

  it('forgets the token even when the request fails', async () => {
    const storage = new MemoryStorage();
    storage.setItem('conductor.jwt', 'user-token');
    const fetch = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    const client = makeClient({ storage, fetch });
    await expect(client.logout()).resolves.toBe(false);
    expect(client.token()).toBeNull();
    expect(storage.items.size).toBe(0);
  });

  it('resolves false without calling the server when there is no token', async () => {
    const { client, fetch } = setup();
    await expect(client.logout()).resolves.toBe(false);
    expect(fetch).not.toHaveBeenCalled();
  });
});

describe('login', () => {
  /** A popup that is on the provider's (unreadable) origin until `arrive` is called. */
  function fakePopup() {
    let href: string | null = null;
    const popup = {
      closed: false,
      close: vi.fn(() => {
        popup.closed = true;
      }),
      get location() {
        if (href === null) throw new DOMException('Blocked a frame', 'SecurityError');
        return { href };
      },
      arrive(url: string) {
        href = url;
      },
    };
    return popup;
  }

  it('opens a popup and resolves with the token it comes back with', async () => {
    vi.useFakeTimers();
    const { client, win, storage } = setup();
    const popup = fakePopup();
    win.open.mockReturnValue(popup);
    const result = client.login(`${BASE}/oauth/login/github`, { name: 'signin' });
    expect(win.open).toHaveBeenCalledWith(`${BASE}/oauth/login/github`, 'signin', 'width=600,height=700');

    await vi.advanceTimersByTimeAsync(600); // still at the provider
    expect(popup.close).not.toHaveBeenCalled();
    popup.arrive(`${BASE}/oauth/callback/github?code=c`); // gateway callback: keep waiting
    await vi.advanceTimersByTimeAsync(200);
    expect(popup.close).not.toHaveBeenCalled();
    popup.arrive('https://app.example/page?jwt=new-token#x');
    await vi.advanceTimersByTimeAsync(200);

    await expect(result).resolves.toBe('new-token');
    expect(storage.getItem('conductor.jwt')).toBe('new-token');
    // The page at `next` gets a moment to finish (os-packager's /logged-in
    // posts to its opener and closes itself) before the library closes it.
    expect(popup.close).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1000);
    expect(popup.close).toHaveBeenCalled();
  });

  it('resolves null when the popup comes back without a token or is closed', async () => {
    vi.useFakeTimers();
    const { client, win } = setup();
    const failed = fakePopup();
    win.open.mockReturnValue(failed);
    const first = client.login(`${BASE}/oauth/login/google`);
    failed.arrive('https://app.example/page');
    await vi.advanceTimersByTimeAsync(200);
    await expect(first).resolves.toBeNull();

    const closed = fakePopup();
    win.open.mockReturnValue(closed);
    const second = client.login(`${BASE}/oauth/login/google`);
    closed.closed = true;
    await vi.advanceTimersByTimeAsync(200);
    await expect(second).resolves.toBeNull();
    expect(client.token()).toBeNull();
  });

  it('rejects when the popup is blocked', async () => {
    const { client, win } = setup();
    win.open.mockReturnValue(null);
    await expect(client.login(`${BASE}/oauth/login/google`)).rejects.toThrow(/blocked/);
  });

  it('navigates the page in redirect mode', () => {
    const { client, win } = setup();
    void client.login(`${BASE}/oauth/login/google`, { mode: 'redirect' });
    expect(win.location.assign).toHaveBeenCalledWith(`${BASE}/oauth/login/google`);
    expect(win.open).not.toHaveBeenCalled();
  });
});

describe('installAngularModule', () => {
  type FactoryFunction = (...deps: unknown[]) => Record<string, (...args: never[]) => unknown>;
  type Factory = [...string[], FactoryFunction];

  /** Records what the library registers, the way angular.module(name, deps) chains. */
  function fakeAngular() {
    const modules = new Map<string, { requires: string[]; factories: Map<string, Factory | (() => unknown)>; values: Map<string, unknown> }>();
    const angular = {
      module(name: string, requires: string[]) {
        const record = { requires, factories: new Map(), values: new Map() };
        modules.set(name, record);
        const chain = {
          factory(serviceName: string, definition: Factory) {
            record.factories.set(serviceName, definition);
            return chain;
          },
          value(valueName: string, value: unknown) {
            record.values.set(valueName, value);
            return chain;
          },
        };
        return chain;
      },
    };
    return { angular, modules };
  }

  // $q with only what the library uses; native promises stand in for $q's.
  const $q = { when: (value: unknown) => Promise.resolve(value), reject: (reason: unknown) => Promise.reject(reason) };

  /** $location's search() getter and setter, over a plain object. */
  function fakeLocation(search: Record<string, string> = {}) {
    return {
      search(key?: string, value?: string | null) {
        if (key === undefined) return { ...search };
        if (value === null) delete search[key];
        else search[key] = value as string;
        return this;
      },
    };
  }

  function service(modules: ReturnType<typeof fakeAngular>['modules'], name: string, $location = fakeLocation()) {
    const definition = modules.get('authClient.services')!.factories.get(name) as Factory;
    expect(definition[0]).toBe('$q');
    const dependencies = { $q, $location } as Record<string, unknown>;
    const injected = (definition.slice(0, -1) as string[]).map((name) => dependencies[name]);
    return (definition.at(-1) as FactoryFunction)(...injected) as Record<string, (...args: unknown[]) => Promise<unknown>>;
  }

  it('registers authClient with the authenticate and authorize factories', () => {
    const { angular, modules } = fakeAngular();
    installAngularModule(angular, setup().client);
    expect(modules.get('authClient')!.requires).toEqual(['authClient.config', 'authClient.services']);
    expect([...modules.get('authClient.services')!.factories.keys()]).toEqual(['authenticate', 'authorize', 'baseUrl']);
  });

  it('authenticate.check resolves {token, profile} and rejects with the providers, like the old library', async () => {
    const profile = { id: 'u1', name: 'Ada' };
    const accepted = setup('https://app.example/', { authenticated: true, profile });
    accepted.storage.setItem('conductor.jwt', 'good');
    const { angular, modules } = fakeAngular();
    installAngularModule(angular, accepted.client);
    await expect(service(modules, 'authenticate').check!('https://app.example/')).resolves.toMatchObject({ token: 'good', profile });
    expect(service(modules, 'authenticate').getToken!()).toBe('good');

    const providers = { google: { url: `${BASE}/oauth/login/google` } };
    const rejected = setup('https://app.example/', { authenticated: false, providers });
    const other = fakeAngular();
    installAngularModule(other.angular, rejected.client);
    await expect(service(other.modules, 'authenticate').check!('https://app.example/')).rejects.toEqual(providers);
  });

  it("authenticate.check takes a token from $location.search().jwt (os-packager's popup hands it over that way) and removes it there", async () => {
    const profile = { id: 'u1', name: 'Ada' };
    const { client, fetch, storage } = setup('https://app.example/packager', { authenticated: true, profile });
    const { angular, modules } = fakeAngular();
    installAngularModule(angular, client);
    const $location = fakeLocation({ jwt: 'from-popup', other: 'kept' });
    await expect(service(modules, 'authenticate', $location).check!('https://app.example/logged-in')).resolves.toMatchObject({ token: 'from-popup', profile });
    expect(fetch.mock.calls[0]![1].headers.authorization).toBe('Bearer from-popup');
    expect(storage.getItem('conductor.jwt')).toBe('from-popup');
    expect($location.search()).toEqual({ other: 'kept' });
  });

  it('authorize.check uses the token it is given and rejects with {} on failure', async () => {
    const { client, fetch } = setup('https://app.example/', { permissions: { admin: true } });
    const { angular, modules } = fakeAngular();
    installAngularModule(angular, client);
    await expect(service(modules, 'authorize').check!('explicit-token', 'os.datastore')).resolves.toEqual({ permissions: { admin: true } });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe(`${BASE}/user/authorize?service=os.datastore`);
    expect(init.headers.authorization).toBe('Bearer explicit-token');

    const failing = makeClient({ storage: new MemoryStorage(), fetch: fakeFetch({}, 500) });
    const other = fakeAngular();
    installAngularModule(other.angular, failing);
    await expect(service(other.modules, 'authorize').check!('t', 'os.datastore')).rejects.toEqual({});
  });

  it('baseUrl.setBaseUrl points later calls at another gateway', async () => {
    const { client, fetch } = setup('https://app.example/', { success: true });
    client.captureTokenFromUrl(fakeWindow('https://app.example/?jwt=t') as never);
    const { angular, modules } = fakeAngular();
    installAngularModule(angular, client);
    const baseUrl = (modules.get('authClient.services')!.factories.get('baseUrl') as () => Record<string, (url?: string) => unknown>)();
    baseUrl.setBaseUrl!('https://other.example/');
    expect(baseUrl.getBaseUrl!()).toBe('https://other.example');
    await client.logout();
    expect(fetch.mock.calls[0]![0]).toBe('https://other.example/user/logout');
  });
});

describe('the classic script served at /user/lib', () => {
  it('parses as a classic script and registers the AngularJS modules and window.conductorAuth, AngularJS loaded before or after it', async () => {
    const { readBrowserLibrary } = await import('../../src/adapters/browser-lib/browser-library.ts');
    const { Script, createContext } = await import('node:vm');
    const code = (await readBrowserLibrary()).toString();
    expect(code).not.toMatch(/^export |import\.meta/m);
    const run = (angularFirst: boolean) => {
      const modules = new Map<string, string[]>();
      const chain = { value: () => chain, factory: () => chain };
      const angular = {
        module: (name: string, requires?: string[]) => {
          if (requires) modules.set(name, requires);
          else if (!modules.has(name)) throw new Error(`no module ${name}`);
          return chain;
        },
      };
      let onReady: (() => void) | undefined;
      const context: Record<string, unknown> = {
        URL,
        location: { href: 'https://app.example/page' },
        document: { currentScript: { src: 'https://gateway.example/user/lib' }, readyState: 'loading', addEventListener: (_: string, listener: () => void) => (onReady = listener) },
        ...(angularFirst ? { angular } : {}),
      };
      context.window = context;
      new Script(code).runInContext(createContext(context));
      if (!angularFirst) {
        context.angular = angular;
        onReady?.();
      }
      return { modules, auth: context.conductorAuth as { client: { baseUrl: string } } };
    };
    for (const angularFirst of [true, false]) {
      const { modules, auth } = run(angularFirst);
      expect([...modules.keys()].sort(), String(angularFirst)).toEqual(['authClient', 'authClient.config', 'authClient.services']);
      expect(auth.client.baseUrl).toBe('https://gateway.example');
    }
  });
});
