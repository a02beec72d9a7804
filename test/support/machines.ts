/**
 * "Machines" for failover tests: groups of Conductor server and worker
 * processes, each group on its own loopback address (127.0.0.2, 127.0.0.3, …),
 * sharing the test stack's PostgreSQL, Elasticsearch, MinIO and Temporal, with
 * an Envoy of their own in front rendered from the same template as the
 * stack's. Losing a machine is SIGKILL of every process on it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startConductorServer, startConductorWorker } from '../../scripts/stack/parts/conductor.ts';
import { startEnvoy, type Upstream } from '../../scripts/stack/parts/envoy.ts';
import { repoRoot } from '../../scripts/stack/paths.ts';
import { freePort } from '../../scripts/stack/ports.ts';
import type { ServiceProcess } from '../../scripts/stack/service-process.ts';
import { testStack } from '../setup/test-stack.ts';

export interface Machine {
  address: string;
  servers: (ServiceProcess & Upstream)[];
  workers: ServiceProcess[];
  /** SIGKILL of every process on the machine, as when it loses power. */
  lose(): void;
  stop(): Promise<void>;
}

export interface MachineOptions {
  address: string;
  servers: number;
  workers: number;
  /** The task queue of this test's loads (only its own workers poll it). */
  taskQueue: string;
  /** Extra environment for the processes (checkpoint size, drain time). */
  env?: Record<string, string>;
}

const kill = (service: ServiceProcess) => {
  if (service.pid) {
    try {
      process.kill(service.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
};

/** Starts a machine's server processes (gRPC and HTTP on its address) and workers, each waited on until ready. */
export async function startMachine(options: MachineOptions): Promise<Machine> {
  const stack = testStack();
  const logDir = join(stack.logDir, 'machines');
  mkdirSync(logDir, { recursive: true });
  const env = { ...stack.conductorEnv, TEMPORAL_TASK_QUEUE: options.taskQueue, TEMPORAL_WORKER_METRICS_ADDRESS: '', ...options.env };
  const servers: Machine['servers'] = [];
  const workers: ServiceProcess[] = [];
  const machine: Machine = {
    address: options.address,
    servers,
    workers,
    lose: () => [...servers, ...workers].forEach(kill),
    stop: async () => {
      await Promise.all([...servers, ...workers].map((service) => service.stop()));
    },
  };
  try {
    // Not supervised: a lost machine stays lost.
    for (let index = 1; index <= options.servers; index++) {
      const listen = { host: options.address, grpc: await freePort(), http: await freePort() };
      const name = `server-${options.address}-${index}`;
      servers.push(Object.assign(await startConductorServer(name, env, listen, join(logDir, `${name}.log`), { restart: false }), listen));
    }
    for (let index = 1; index <= options.workers; index++) {
      const name = `worker-${options.address}-${index}`;
      workers.push(await startConductorWorker(name, env, join(logDir, `${name}.log`), { restart: false }));
    }
  } catch (error) {
    await machine.stop();
    throw error;
  }
  return machine;
}

/** An Envoy in front of the machines' server processes (free ports), rendered from the stack's template. */
export async function startGateway(machines: Machine[], name: string, options: { otlpTracesEndpoint?: string } = {}): Promise<{ url: string; admin: string; stop(): Promise<void> }> {
  const stack = testStack();
  const gatewayPort = await freePort();
  const adminPort = await freePort();
  const runDir = join(stack.logDir, 'machines', name);
  mkdirSync(runDir, { recursive: true });
  const envoy = await startEnvoy(
    stack.envoyBinary,
    {
      gatewayHost: '127.0.0.1',
      gatewayPort,
      adminPort,
      upstreams: machines.flatMap((machine) => machine.servers.map(({ host, grpc, http }) => ({ host, grpc, http }))),
      descriptorFile: join(repoRoot, 'envoy', 'descriptor.pb'),
      corsOrigins: [stack.appOrigin],
      maxRequestBytes: 1024 * 1024,
      maxResponseBytes: 16 * 1024 * 1024,
      otlpTracesEndpoint: options.otlpTracesEndpoint,
    },
    runDir,
    join(runDir, 'envoy.log'),
  );
  return { url: `http://127.0.0.1:${gatewayPort}`, admin: `http://127.0.0.1:${adminPort}`, stop: () => envoy.stop() };
}
