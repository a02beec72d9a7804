import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { InstalledStack } from './install.ts';
import { say } from './log.ts';
import { serviceUser } from './os-user.ts';
import { repoRoot } from './paths.ts';
import { freePort } from './ports.ts';
import { httpAnswers } from './probes.ts';
import type { ServiceProcess } from './service-process.ts';
import { migrateDatabase, startConductorServer, startConductorWorker } from './parts/conductor.ts';
import { startElasticsearch } from './parts/elasticsearch.ts';
import { startEnvoy } from './parts/envoy.ts';
import { otlpTracesEndpoint } from '../../src/adapters/telemetry/tracing.ts';
import { startMinio } from './parts/minio.ts';
import { startPostgres } from './parts/postgres.ts';
import { startTemporal } from './parts/temporal.ts';

export interface StackPorts {
  gateway: number;
  envoyAdmin: number;
  grpc: number;
  http: number;
  postgres: number;
  minio: number;
  minioConsole: number;
  elasticsearch: number;
  elasticsearchTransport: number;
  temporal: number;
  temporalUi: number;
  temporalHttp: number;
  temporalMetrics: number;
}

/** CONDUCTOR_SERVER_PROCESSES, else one server process per core. */
export function defaultServerProcesses(): number {
  const configured = Number(process.env.CONDUCTOR_SERVER_PROCESSES);
  return Number.isInteger(configured) && configured > 0 ? configured : availableParallelism();
}

/** CONDUCTOR_WORKER_PROCESSES, else one: Temporal spreads loads over every worker polling the task queue. */
export function defaultWorkerProcesses(): number {
  const configured = Number(process.env.CONDUCTOR_WORKER_PROCESSES);
  return Number.isInteger(configured) && configured > 0 ? configured : 1;
}

/** A distinct free loopback port for every part (tests and benchmarks run their own stack beside any other). */
export async function freeStackPorts(): Promise<StackPorts> {
  const names: (keyof StackPorts)[] = [
    'gateway', 'envoyAdmin', 'grpc', 'http', 'postgres', 'minio', 'minioConsole', 'elasticsearch',
    'elasticsearchTransport', 'temporal', 'temporalUi', 'temporalHttp', 'temporalMetrics',
  ];
  const ports = {} as StackPorts;
  const taken = new Set<number>();
  for (const name of names) {
    let port = await freePort();
    while (taken.has(port)) port = await freePort();
    taken.add(port);
    ports[name] = port;
  }
  return ports;
}

export interface StackSettings {
  /** Data of every part (database cluster, buckets, indices, Temporal's SQLite file, the dev signing key). */
  dataDir: string;
  /** One log file per part. */
  logDir: string;
  ports: StackPorts;
  /** Address the gateway binds (127.0.0.1, or 0.0.0.0 to serve other machines). */
  gatewayHost: string;
  /** Hostname used in printed and public URLs. */
  publicHost: string;
  corsOrigins: string[];
  elasticsearchHeap: string;
  postgresPassword: string;
  minioUser: string;
  minioPassword: string;
  /** Extra environment for Conductor's processes (e.g. LOG_LEVEL). */
  extraEnv?: NodeJS.ProcessEnv;
  /**
   * How many server processes run side by side behind Envoy (one Node
   * process uses one core): CONDUCTOR_SERVER_PROCESSES, default the number
   * of cores. The first listens on ports.grpc/ports.http, the others on free ports.
   */
  serverProcesses?: number;
  /**
   * How many Temporal worker processes run loads: CONDUCTOR_WORKER_PROCESSES,
   * default one. The first serves its metrics where TEMPORAL_WORKER_METRICS_ADDRESS
   * says, the others on free ports.
   */
  workerProcesses?: number;
}

/** One of Conductor's server processes: its name among the services and its ports. */
export interface ServerProcessPorts {
  name: string;
  grpc: number;
  http: number;
}

/** A running stack: where everything is, and how to stop it. */
export interface RunningStack {
  urls: {
    gateway: string;
    grpc: string;
    temporalUi: string;
    temporal: string;
    minio: string;
    minioConsole: string;
    elasticsearch: string;
    postgres: string;
  };
  /** The environment Conductor's processes run with (tests use it to reach the same backends). */
  conductorEnv: NodeJS.ProcessEnv;
  logDir: string;
  /** The running parts by name (postgresql, minio, elasticsearch, temporal, conductor, conductor-2…, worker, worker-2…, envoy). */
  services: Map<string, ServiceProcess>;
  /** The PostgreSQL binaries the stack runs with (psql, for benchmarks). */
  postgresBin: string;
  /** Every server process (the first is the one `urls.grpc` names). */
  servers: ServerProcessPorts[];
  /** Every worker process and where it serves its metrics ('' for none). */
  workers: { name: string; metrics: string }[];
  stop(): Promise<void>;
}

/**
 * Starts every part, each waited on until healthy: the backends side by side,
 * then the migrations, Conductor's server and worker, and Envoy last.
 * If any part fails, what was started is stopped again.
 */
export async function startStack(settings: StackSettings, installed: InstalledStack): Promise<RunningStack> {
  const { dataDir, logDir, ports } = settings;
  for (const dir of [dataDir, logDir]) mkdirSync(dir, { recursive: true });
  // The service account must be able to reach its folders inside the data folder.
  chmodSync(dataDir, 0o755);
  const log = (part: string) => join(logDir, `${part}.log`);
  const user = await serviceUser(log('stack'));
  const started: ServiceProcess[] = [];
  const stop = async () => {
    for (const service of started.reverse()) {
      say(service.name, 'stopping');
      await service.stop().catch((error: unknown) => say(service.name, `stop failed: ${(error as Error).message}`));
    }
    started.length = 0;
  };
  const track = async (starting: Promise<ServiceProcess>) => {
    const service = await starting;
    started.push(service);
    return service;
  };

  const servers: ServerProcessPorts[] = [{ name: 'conductor', grpc: ports.grpc, http: ports.http }];
  for (let index = 2; index <= (settings.serverProcesses ?? defaultServerProcesses()); index++) {
    servers.push({ name: `conductor-${index}`, grpc: await freePort(), http: await freePort() });
  }
  const urls = {
    gateway: `http://${settings.publicHost}:${ports.gateway}`,
    grpc: `127.0.0.1:${ports.grpc}`,
    temporalUi: `http://${settings.publicHost}:${ports.temporalUi}`,
    temporal: `127.0.0.1:${ports.temporal}`,
    minio: `http://127.0.0.1:${ports.minio}`,
    minioConsole: `http://${settings.publicHost}:${ports.minioConsole}`,
    elasticsearch: `http://127.0.0.1:${ports.elasticsearch}`,
    postgres: `postgres://conductor:${encodeURIComponent(settings.postgresPassword)}@127.0.0.1:${ports.postgres}/conductor`,
  };
  const conductorEnv: NodeJS.ProcessEnv = {
    ...process.env,
    CONDUCTOR_GRPC_HOST: '127.0.0.1',
    CONDUCTOR_GRPC_PORT: String(ports.grpc),
    CONDUCTOR_HTTP_PORT: String(ports.http),
    CONDUCTOR_PUBLIC_URL: urls.gateway,
    CONDUCTOR_DESCRIPTOR_FILE: join(repoRoot, 'envoy', 'descriptor.pb'),
    CONDUCTOR_OPENAPI_FILE: join(repoRoot, 'docs', 'openapi.json'),
    CONDUCTOR_SIGNING_KEY_FILE: process.env.CONDUCTOR_SIGNING_KEY ? undefined : developmentSigningKey(dataDir),
    CONDUCTOR_INTERNAL_SECRET_FILE: process.env.CONDUCTOR_INTERNAL_SECRET ? undefined : developmentInternalSecret(dataDir),
    WORK_PACKAGE_INTERNAL_KEY_FILE: process.env.WORK_PACKAGE_INTERNAL_KEY ? undefined : developmentP256Key(dataDir, 'work-package-internal-key.pem'),
    WORK_PACKAGE_SIGNING_KEY_FILE: process.env.WORK_PACKAGE_SIGNING_KEY ? undefined : developmentP256Key(dataDir, 'work-order-signing-key.pem'),
    DATABASE_URL: urls.postgres,
    ELASTICSEARCH_URL: urls.elasticsearch,
    S3_ENDPOINT: urls.minio,
    S3_PUBLIC_ENDPOINT: process.env.S3_PUBLIC_ENDPOINT ?? `http://${settings.publicHost}:${ports.minio}`,
    S3_ACCESS_KEY: settings.minioUser,
    S3_SECRET_KEY: settings.minioPassword,
    TEMPORAL_ADDRESS: urls.temporal,
    TEMPORAL_UI_URL: urls.temporalUi,
    CONDUCTOR_ALLOWED_ORIGINS: process.env.CONDUCTOR_ALLOWED_ORIGINS ?? settings.corsOrigins.filter((origin) => origin !== '*').join(','),
    ...settings.extraEnv,
  };

  const workers = [{ name: 'worker', env: conductorEnv }];
  for (let index = 2; index <= (settings.workerProcesses ?? defaultWorkerProcesses()); index++) {
    const metrics = conductorEnv.TEMPORAL_WORKER_METRICS_ADDRESS ? `127.0.0.1:${await freePort()}` : '';
    workers.push({ name: `worker-${index}`, env: { ...conductorEnv, TEMPORAL_WORKER_METRICS_ADDRESS: metrics } });
  }

  try {
    await allStarted([
      track(
        startPostgres({
          bin: installed.postgresBin,
          dataDir: join(dataDir, 'postgres'),
          port: ports.postgres,
          user,
          logFile: log('postgresql'),
          superuser: 'conductor',
          password: settings.postgresPassword,
          database: 'conductor',
        }),
      ),
      track(
        startMinio({
          binary: installed.minio,
          dataDir: join(dataDir, 'minio'),
          port: ports.minio,
          consolePort: ports.minioConsole,
          rootUser: settings.minioUser,
          rootPassword: settings.minioPassword,
          logFile: log('minio'),
        }),
      ),
      track(
        startElasticsearch({
          home: installed.elasticsearchHome,
          javaHome: installed.javaHome,
          dataDir: join(dataDir, 'elasticsearch'),
          port: ports.elasticsearch,
          transportPort: ports.elasticsearchTransport,
          heap: settings.elasticsearchHeap,
          user,
          logFile: log('elasticsearch'),
        }),
      ),
      track(
        startTemporal({
          binary: installed.temporal,
          dbFile: join(dataDir, 'temporal', 'temporal.sqlite'),
          port: ports.temporal,
          uiPort: ports.temporalUi,
          httpPort: ports.temporalHttp,
          metricsPort: ports.temporalMetrics,
          namespace: 'default',
          logFile: log('temporal'),
        }),
      ),
    ]);
    say('migrations', 'applying');
    await migrateDatabase(conductorEnv, log('migrations'));
    await allStarted([
      ...servers.map((server) =>
        track(startConductorServer(server.name, conductorEnv, { host: '127.0.0.1', grpc: server.grpc, http: server.http }, log(server.name))),
      ),
      ...workers.map((worker) => track(startConductorWorker(worker.name, worker.env, log(worker.name)))),
    ]);
    await track(
      startEnvoy(
        installed.envoy,
        {
          gatewayHost: settings.gatewayHost,
          gatewayPort: ports.gateway,
          adminPort: ports.envoyAdmin,
          upstreams: servers.map((server) => ({ host: '127.0.0.1', grpc: server.grpc, http: server.http })),
          descriptorFile: join(repoRoot, 'envoy', 'descriptor.pb'),
          corsOrigins: settings.corsOrigins,
          maxRequestBytes: 1024 * 1024,
          maxResponseBytes: 16 * 1024 * 1024,
          otlpTracesEndpoint: otlpTracesEndpoint(conductorEnv),
        },
        dataDir,
        log('envoy'),
      ),
    );
    if (!(await httpAnswers(`http://127.0.0.1:${ports.gateway}/health`))) throw new Error('the gateway does not answer /health');
  } catch (error) {
    await stop();
    throw error;
  }
  return { urls, conductorEnv, logDir, stop, services: new Map(started.map((service) => [service.name, service])), postgresBin: installed.postgresBin, servers, workers: workers.map((worker) => ({ name: worker.name, metrics: worker.env.TEMPORAL_WORKER_METRICS_ADDRESS ?? '' })) };
}

/** For development only: a P-256 key (work-package tokens) generated once per data folder, never committed. */
export function developmentP256Key(dataDir: string, name: string): string {
  const file = join(dataDir, name);
  if (!existsSync(file)) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    say('keys', `generated a development key (${file})`);
  }
  return file;
}

/** For development only: a key generated once per data folder (never committed); production configures its own. */
export function developmentSigningKey(dataDir: string): string {
  const file = join(dataDir, 'signing-key.pem');
  if (!existsSync(file)) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    say('keys', `generated a development signing key (${file})`);
  }
  return file;
}

/** For development only: the secret internal callers (the CLIs) sign their tokens with, generated once per data folder. */
export function developmentInternalSecret(dataDir: string): string {
  const file = join(dataDir, 'internal-secret');
  if (!existsSync(file)) {
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
    say('keys', `generated a development internal secret (${file})`);
  }
  return file;
}

/** Waits for every start; fails with the first failure only once none is still starting (so none is left untracked). */
async function allStarted(starting: Promise<ServiceProcess>[]): Promise<void> {
  const results = await Promise.allSettled(starting);
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
}
