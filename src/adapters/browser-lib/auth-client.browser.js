// Browser auth client, served by the gateway at GET /user/lib (and /auth/lib).
// Served as a classic script (browser-library.ts wraps this file): load it
// with <script src="{gateway}/user/lib"> or jQuery's $.getScript, as
// os-admin and os-packager do. It replaces os-conductor's AngularJS
// `authClient` library: the modules `authClient.config`,
// `authClient.services` (services `authenticate` and `authorize`) and
// `authClient` are registered when AngularJS is on the page — whether it was
// loaded before or after this script — and `window.conductorAuth` offers
// the same client to pages without AngularJS. No dependencies and no build
// step beyond that wrapping; Node tests import this file as a module.

/**
 * @typedef {{ id: string, name: string, email: string, avatar_url: string, idhash: string, username?: string, join_date: string }} Profile
 * @typedef {{ authenticated: true, profile: Profile } | { authenticated: false, providers: Record<string, { url: string }> }} CheckResponse
 * @typedef {{ token?: string, userid?: string, permissions: Record<string, unknown>, service?: string }} AuthorizeResponse
 * @typedef {{ getItem(key: string): string | null, setItem(key: string, value: string): void, removeItem(key: string): void }} TokenStorage
 * @typedef {object} AuthClientOptions
 * @property {string} [baseUrl] Gateway origin; defaults to the origin this file was served from.
 * @property {string} [storageKey] localStorage key of the user token (default 'conductor.jwt').
 * @property {TokenStorage} [storage] Defaults to window.localStorage when usable.
 * @property {typeof fetch} [fetch] Defaults to the global fetch.
 * @property {Window} [window] Defaults to the global window.
 */

// The URL this script was loaded from: its origin is the gateway's. (When
// served, browser-library.ts defines it from document.currentScript.)
const scriptUrl = import.meta.url;

const DEFAULT_STORAGE_KEY = 'conductor.jwt';
const POPUP_FEATURES = 'width=600,height=700';
const POLL_MS = 200;
const POPUP_CLOSE_GRACE_MS = 1000;
// Gateway paths a login popup passes through before it is sent back to `next`.
const LOGIN_FLOW_PATHS = ['/oauth/', '/user/', '/auth/'];

/**
 * localStorage if it can really be written (it throws in some private modes
 * and sandboxed frames), otherwise null.
 * @returns {TokenStorage | null}
 */
function usableLocalStorage() {
  try {
    const storage = globalThis.localStorage;
    const probe = '__conductor_probe__';
    storage.setItem(probe, probe);
    storage.removeItem(probe);
    return storage;
  } catch {
    return null;
  }
}

/** @param {string} url */
function withoutTrailingSlash(url) {
  return url.replace(/\/+$/, '');
}

/**
 * Drops the `jwt` parameters from `location.search` but leaves the others
 * byte for byte (URLSearchParams would re-encode them, e.g. %20 as +).
 * @param {string} search
 */
function searchWithoutJwt(search) {
  const kept = search.slice(1).split('&').filter((part) => part !== '' && part !== 'jwt' && !part.startsWith('jwt='));
  return kept.length > 0 ? `?${kept.join('&')}` : '';
}

/**
 * Creates a client bound to one gateway.
 * @param {AuthClientOptions} [options]
 */
export function createAuthClient(options = {}) {
  const storageKey = options.storageKey ?? DEFAULT_STORAGE_KEY;
  const storage = options.storage ?? usableLocalStorage();
  // Used when there is no storage, or when writing to it fails (quota, privacy settings).
  let memoryToken = null;
  // Looked up per call so a client created before the globals exist still works.
  const getWindow = () => options.window ?? globalThis.window;
  const doFetch = options.fetch ?? ((...args) => globalThis.fetch(...args));

  /** @returns {string | null} */
  function readToken() {
    try {
      // Storage wins so a logout in another tab is seen here too.
      const stored = storage?.getItem(storageKey);
      if (stored) return stored;
    } catch {
      // Unreadable storage: fall through to the in-memory copy.
    }
    return memoryToken;
  }

  /** @param {string} token */
  function storeToken(token) {
    try {
      storage.setItem(storageKey, token); // throws too when there is no storage
      memoryToken = null;
    } catch {
      memoryToken = token;
    }
  }

  function forgetToken() {
    memoryToken = null;
    try {
      storage?.removeItem(storageKey);
    } catch {
      // Nothing stored, nothing to forget.
    }
  }

  /**
   * Calls the gateway; the token goes in the Authorization header, never the URL.
   * @param {string} method
   * @param {string} path
   * @param {Record<string, string>} params
   * @param {string | null} token
   */
  async function request(method, path, params, token) {
    const query = new URLSearchParams(params).toString();
    const headers = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await doFetch(`${client.baseUrl}${path}${query ? `?${query}` : ''}`, { method, headers });
    if (!response.ok) throw new Error(`${method} ${path} failed: HTTP ${response.status}`);
    return response.json();
  }

  const client = {
    baseUrl: withoutTrailingSlash(options.baseUrl ?? new URL(scriptUrl).origin),

    /** @returns {string | null} The stored user token. */
    token: readToken,

    /**
     * Takes the token a login redirect put in the address bar (`?jwt=`), stores
     * it and removes it from the address bar, keeping everything else.
     * @param {Window} [win]
     * @returns {string | null}
     */
    captureTokenFromUrl(win = getWindow()) {
      if (!win?.location) return null;
      const url = new URL(win.location.href);
      const token = url.searchParams.get('jwt');
      if (!token) return null;
      storeToken(token);
      // Stored first: another tab or a popup's opener may be watching storage.
      win.history?.replaceState(win.history.state, '', `${url.pathname}${searchWithoutJwt(url.search)}${url.hash}`);
      return token;
    },

    /**
     * Stores a token the page received some other way than its address bar
     * (an AngularJS app's $location, a message from a popup).
     * @param {string} token
     */
    acceptToken(token) {
      if (typeof token === 'string' && token !== '') storeToken(token);
    },

    /**
     * Asks the gateway who the stored token belongs to. A token it does not
     * accept is forgotten; the response then lists the login providers.
     * @param {string} [next] Where a provider login returns to (default: this page).
     * @returns {Promise<CheckResponse>}
     */
    async check(next) {
      client.captureTokenFromUrl();
      // Read after the capture so `next` never carries the old token.
      const target = next ?? getWindow()?.location?.href ?? '';
      const token = readToken();
      const result = await request('GET', '/user/check', { next: target }, token);
      if (!result.authenticated && token && readToken() === token) forgetToken();
      return result;
    },

    /**
     * Starts a provider login (a `providers[name].url` from check()).
     * Popup mode resolves with the new token, or null when the popup is closed
     * or comes back without one; it rejects when the popup was blocked.
     * Redirect mode navigates away, so its promise never settles.
     * @param {string} providerUrl
     * @param {{ mode?: 'popup' | 'redirect', name?: string }} [how]
     * @returns {Promise<string | null>}
     */
    login(providerUrl, { mode = 'popup', name = 'conductor-login' } = {}) {
      const win = getWindow();
      if (mode === 'redirect') {
        win.location.assign(providerUrl);
        return new Promise(() => {});
      }
      const popup = win.open(providerUrl, name, POPUP_FEATURES);
      if (!popup) return Promise.reject(new Error('The login popup was blocked'));
      return waitForPopup(popup, readToken());
    },

    /**
     * Revokes the token on the server and forgets it here, even when the
     * server cannot be reached.
     * @returns {Promise<boolean>} Whether the server confirmed the logout.
     */
    async logout() {
      const token = readToken();
      if (!token) return false;
      let confirmed = false;
      try {
        const result = await request('POST', '/user/logout', {}, token);
        confirmed = result?.success === true;
      } catch {
        // Offline or gateway down: forgetting the token locally still logs out this browser.
      }
      forgetToken();
      return confirmed;
    },

    /**
     * The user's permissions for a service, and a token for that service.
     * @param {string} service
     * @param {string | null} [token] Defaults to the stored token.
     * @returns {Promise<AuthorizeResponse>}
     */
    async authorize(service, token = readToken()) {
      // The same answer the gateway gives an invalid token, without the round trip.
      if (!token) return { permissions: {} };
      return request('GET', '/user/authorize', { service }, token);
    },
  };

  /**
   * Polls the popup until it is back on a page we can read. While it is on the
   * provider's site reading its location throws (cross-origin), which is expected.
   * @param {Window} popup
   * @param {string | null} tokenBefore
   * @returns {Promise<string | null>}
   */
  function waitForPopup(popup, tokenBefore) {
    // If the page at `next` runs this library too, it captures the token into
    // the shared localStorage before we see the URL; a new stored token counts.
    const newStoredToken = () => {
      const now = readToken();
      return now && now !== tokenBefore ? now : null;
    };
    const inLoginFlow = (href) =>
      href === 'about:blank' || LOGIN_FLOW_PATHS.some((path) => href.startsWith(`${client.baseUrl}${path}`));

    return new Promise((resolve) => {
      const finish = (token) => {
        clearInterval(timer);
        // The page at `next` may have its own work to do before it closes
        // itself (os-packager's /logged-in posts the jwt to its opener), so
        // it gets a moment before we close it.
        setTimeout(() => {
          if (!popup.closed) popup.close();
        }, POPUP_CLOSE_GRACE_MS);
        resolve(token);
      };
      const timer = setInterval(() => {
        if (popup.closed) return finish(newStoredToken());
        let href;
        try {
          href = popup.location.href;
        } catch {
          return; // Still on the provider's origin.
        }
        if (!href || inLoginFlow(href)) return;
        const token = new URL(href).searchParams.get('jwt');
        if (token) storeToken(token);
        finish(token || newStoredToken());
      }, POLL_MS);
    });
  }

  return client;
}

/**
 * Registers the AngularJS module 'authClient' with the services of
 * os-conductor's old library: `authenticate`, `authorize` and `baseUrl`.
 * Native promises are wrapped with $q.when so AngularJS runs a digest.
 * @param {any} angular The AngularJS global.
 * @param {ReturnType<typeof createAuthClient>} [client]
 */
export function installAngularModule(angular, client = createAuthClient()) {
  angular.module('authClient.config', []).value('authClient.config', { debug: true });
  angular
    .module('authClient.services', [])
    .factory('authenticate', ['$q', '$location', ($q, $location) => ({
      getToken: () => client.token(),
      // As before: resolves {token, profile}, rejects with the login providers.
      // A token in $location counts too, as in the reference library:
      // os-packager's popup hands its jwt over with `$location.search(query)`
      // and calls check() at once, before AngularJS has written it into
      // window.location. It is taken out again, like the one in the address bar.
      check: (next) => {
        const fromLocation = $location.search().jwt;
        if (typeof fromLocation === 'string' && fromLocation !== '') {
          client.acceptToken(fromLocation);
          $location.search('jwt', null);
        }
        return $q.when(client.check(next)).then((result) =>
          result.authenticated ? { ...result, token: client.token() } : $q.reject(result.providers));
      },
      login: (url, name) => $q.when(client.login(url, { mode: 'popup', name })),
      logout: () => $q.when(client.logout()),
    })])
    .factory('authorize', ['$q', ($q) => ({
      // As before: an explicit token, and a failed call rejects with {}.
      check: (token, service) => $q.when(client.authorize(service, token)).catch(() => $q.reject({})),
    })])
    .factory('baseUrl', () => ({
      getBaseUrl: () => client.baseUrl,
      setBaseUrl: (url) => {
        client.baseUrl = withoutTrailingSlash(url);
      },
    }));
  angular.module('authClient', ['authClient.config', 'authClient.services']);
}

/**
 * Registers the AngularJS modules once AngularJS is on the page: now, if it
 * was loaded first, or else when the document has been parsed — before
 * AngularJS bootstraps `ng-app`, which it does on DOMContentLoaded after this
 * listener, since this script ran first.
 * @param {any} win
 */
export function installWhenAngularArrives(win = globalThis) {
  const install = () => {
    const angular = win.angular;
    if (!angular?.module) return false;
    try {
      angular.module('authClient.services');
      return true; // Registered already.
    } catch {
      installAngularModule(angular);
      return true;
    }
  };
  if (!install() && win.document?.readyState === 'loading') win.document.addEventListener('DOMContentLoaded', install, { once: true });
}
