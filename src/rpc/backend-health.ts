import type { HealthImplementation } from 'grpc-health-check';
import { runProbes, type Probe } from '../core/health/probes.js';

/** The backends each service needs to answer (Datastore only signs URLs: it needs none). */
export const serviceBackends: Record<string, string[]> = {
  'conductor.auth.v1.AuthService': ['postgresql'],
  'conductor.datastore.v1.DatastoreService': [],
  'conductor.package.v1.PackageService': ['postgresql', 'elasticsearch', 'temporal'],
  'conductor.search.v1.SearchService': ['elasticsearch'],
  'conductor.workpackage.v1.WorkPackageService': ['postgresql'],
};

/**
 * Keeps gRPC health per service true to its backends: every `everyMs` the
 * probes run, and a service whose backend does not answer is NOT_SERVING
 * until it answers again. The server as a whole ('') stays SERVING while it
 * runs: that is liveness, not readiness.
 */
export function monitorBackends(health: HealthImplementation, probes: Record<string, Probe>, everyMs = 5_000): { check(): Promise<void>; stop(): void } {
  let stopped = false;
  const check = async () => {
    const up = await runProbes(probes);
    if (stopped) return;
    for (const [service, backends] of Object.entries(serviceBackends)) {
      health.setStatus(service, backends.every((backend) => up[backend] !== false) ? 'SERVING' : 'NOT_SERVING');
    }
  };
  const timer = setInterval(() => void check().catch(() => undefined), everyMs);
  timer.unref();
  return {
    check,
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
