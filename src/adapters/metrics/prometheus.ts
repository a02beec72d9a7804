import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { CallObserver } from '../../ports/call-observer.js';
import type { HttpRoute } from '../oauth/http-listener.js';

/**
 * The server's Prometheus metrics (prom-client): every RPC counted and timed
 * by method and gRPC code, plus Node's process metrics. Scraped on the
 * server's own HTTP port (`/metrics`), which the public gateway does not route.
 */
export function prometheusMetrics(): { observer: CallObserver; route: HttpRoute } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'conductor_' });
  const calls = new Counter({ name: 'conductor_rpc_total', help: 'RPCs handled, by method and gRPC code', labelNames: ['method', 'code'], registers: [registry] });
  const duration = new Histogram({
    name: 'conductor_rpc_duration_seconds',
    help: 'RPC handling time, by method and gRPC code',
    labelNames: ['method', 'code'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  return {
    observer: {
      callEnded(method, code, seconds) {
        calls.inc({ method, code });
        duration.observe({ method, code }, seconds);
      },
    },
    route: {
      matches: (path) => path === '/metrics',
      handle: async (_request, response) => {
        response.writeHead(200, { 'content-type': registry.contentType });
        response.end(await registry.metrics());
      },
    },
  };
}
