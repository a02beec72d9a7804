import { Server, ServerCredentials } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { AuthServiceService } from '../gen/conductor/auth/v1/auth.js';
import { DatastoreServiceService } from '../gen/conductor/datastore/v1/datastore.js';
import { PackageServiceService } from '../gen/conductor/package/v1/package.js';
import { SearchServiceService } from '../gen/conductor/search/v1/search.js';
import { WorkPackageServiceService } from '../gen/conductor/workpackage/v1/workpackage.js';
import type { Logger } from '../logger.js';
import { callerResolver, type CallerResolverDeps } from './caller.js';
import type { Probe } from '../core/health/probes.js';
import { monitorBackends } from './backend-health.js';
import { addReflection } from './reflection.js';
import type { CallObserver } from '../ports/call-observer.js';
import { authHandlers, type AuthHandlerDeps } from './handlers/auth.handler.js';
import { datastoreHandlers, type DatastoreHandlerDeps } from './handlers/datastore.handler.js';
import { packageHandlers, type PackageHandlerDeps } from './handlers/package.handler.js';
import { searchHandlers, type SearchHandlerDeps } from './handlers/search.handler.js';
import { workPackageHandlers, type WorkPackageHandlerDeps } from './handlers/work-package.handler.js';

/** The fully qualified names of Conductor's services (also what Envoy transcodes). */
export const serviceNames = [
  'conductor.auth.v1.AuthService',
  'conductor.datastore.v1.DatastoreService',
  'conductor.package.v1.PackageService',
  'conductor.search.v1.SearchService',
  'conductor.workpackage.v1.WorkPackageService',
] as const;

export interface ServerDeps {
  logger: Logger;
  /** Told of every call's end (metrics). */
  observer?: CallObserver;
  /** Probes of the backends (postgresql, elasticsearch, temporal, …): gRPC health per service follows them. */
  backendProbes?: Record<string, Probe>;
  backendCheckEveryMs?: number;
  /** Resolves each call's credential by the access policy before any handler runs. */
  callers: CallerResolverDeps;
  auth: AuthHandlerDeps;
  datastore: DatastoreHandlerDeps;
  search: SearchHandlerDeps;
  workPackages: WorkPackageHandlerDeps;
  packages: PackageHandlerDeps;
  /** The compiled contract (buf's descriptor set), served through gRPC reflection. */
  descriptorSet: Buffer;
  /** gRPC health's schema (envoy/health.pb, built beside it), so reflection describes the health service too. */
  healthDescriptorSet?: Buffer;
}

export interface ConductorServer {
  server: Server;
  health: HealthImplementation;
  /** Binds and starts listening; resolves to the bound port (use port 0 in tests). */
  listen(host: string, port: number): Promise<number>;
  /**
   * Reports NOT_SERVING and keeps taking calls for `drainMs` (the gateway's
   * health checks see it and send new calls elsewhere), then stops taking
   * calls, lets those in flight finish within `graceMs`, and stops.
   */
  shutdown(graceMs: number, drainMs?: number): Promise<void>;
}

/** Builds the gRPC server with all five services, health and reflection registered. */
export function buildServer(deps: ServerDeps): ConductorServer {
  const { logger } = deps;
  // Channelz (per-call bookkeeping for a debugging service Conductor does not serve) is off: it was a
  // measurable share of a call's cost in bench:gateway.
  const server = new Server({ 'grpc.max_receive_message_length': 8 * 1024 * 1024, 'grpc.enable_channelz': 0 });
  const runtime = { logger, resolveCaller: callerResolver(deps.callers), observer: deps.observer };
  server.addService(AuthServiceService, authHandlers(runtime, deps.auth));
  server.addService(DatastoreServiceService, datastoreHandlers(runtime, deps.datastore));
  server.addService(PackageServiceService, packageHandlers(runtime, deps.packages));
  server.addService(SearchServiceService, searchHandlers(runtime, deps.search));
  server.addService(WorkPackageServiceService, workPackageHandlers(runtime, deps.workPackages));

  const health = new HealthImplementation(Object.fromEntries(['', ...serviceNames].map((name) => [name, 'NOT_SERVING'])));
  health.addToServer(server);
  addReflection(server, [deps.descriptorSet, ...(deps.healthDescriptorSet ? [deps.healthDescriptorSet] : [])]);

  const setAll = (state: 'SERVING' | 'NOT_SERVING') => {
    for (const name of ['', ...serviceNames]) health.setStatus(name, state);
  };
  let monitor: ReturnType<typeof monitorBackends> | undefined;

  return {
    server,
    health,
    listen: (host, port) =>
      new Promise((done, fail) => {
        server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (error, boundPort) => {
          if (error) return fail(error);
          setAll('SERVING');
          // Then each service's status follows its backends.
          if (deps.backendProbes) {
            monitor = monitorBackends(health, deps.backendProbes, deps.backendCheckEveryMs);
            void monitor.check().catch(() => undefined);
          }
          done(boundPort);
        });
      }),
    shutdown: async (graceMs, drainMs = 0) => {
      monitor?.stop();
      setAll('NOT_SERVING');
      if (drainMs > 0) await new Promise((wait) => setTimeout(wait, drainMs));
      await new Promise<void>((done) => {
        const force = setTimeout(() => server.forceShutdown(), graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          done();
        });
      });
    },
  };
}
