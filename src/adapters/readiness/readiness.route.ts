import { runProbes, type Probe } from '../../core/health/probes.js';
import type { HttpRoute } from '../oauth/http-listener.js';

/**
 * `/ready` (through the gateway too): 200 when every backend answers, 503
 * naming the ones that do not — `/health` stays a liveness check. Only
 * "up"/"down" is said, never an address or an error text: the route is public.
 */
export function readinessRoute(probes: Record<string, Probe>): HttpRoute {
  return {
    matches: (path) => path === '/ready',
    handle: async (_request, response) => {
      const states = await runProbes(probes);
      const ready = Object.values(states).every(Boolean);
      response.writeHead(ready ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(JSON.stringify({ status: ready ? 'ready' : 'not ready', backends: Object.fromEntries(Object.entries(states).map(([name, up]) => [name, up ? 'up' : 'down'])) }));
    },
  };
}
