import type { HttpRoute } from '../oauth/http-listener.js';

/** A backend's probe: resolves when it answers. */
export type Probe = () => Promise<unknown>;

const probeTimeoutMs = 2_000;

/**
 * `/ready` (through the gateway too): 200 when every backend answers, 503
 * naming the ones that do not — `/health` stays a liveness check. Only
 * "up"/"down" is said, never an address or an error text: the route is public.
 */
export function readinessRoute(probes: Record<string, Probe>): HttpRoute {
  return {
    matches: (path) => path === '/ready',
    handle: async (_request, response) => {
      const entries = await Promise.all(
        Object.entries(probes).map(async ([name, probe]) => {
          let timer: NodeJS.Timeout | undefined;
          const timeout = new Promise((_, fail) => (timer = setTimeout(() => fail(new Error('timeout')), probeTimeoutMs)));
          const up = await Promise.race([probe(), timeout]).then(
            () => true,
            () => false,
          );
          clearTimeout(timer);
          return [name, up ? 'up' : 'down'] as const;
        }),
      );
      const ready = entries.every(([, state]) => state === 'up');
      response.writeHead(ready ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(JSON.stringify({ status: ready ? 'ready' : 'not ready', backends: Object.fromEntries(entries) }));
    },
  };
}
