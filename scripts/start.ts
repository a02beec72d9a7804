/**
 * `npm start`: installs what is missing, builds, migrates and runs the whole
 * stack in the foreground, printing where each part is. Ctrl-C (or SIGTERM)
 * stops everything cleanly. Settings come from the environment or `.env`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from './build.ts';
import { installStack } from './stack/install.ts';
import { say } from './stack/log.ts';
import { cacheDir, repoRoot } from './stack/paths.ts';
import { configuredPort, portSettings } from './stack/port-settings.ts';
import { startStack } from './stack/stack.ts';

if (existsSync(join(repoRoot, '.env'))) process.loadEnvFile(join(repoRoot, '.env'));
const env = process.env;
const port = (name: keyof typeof portSettings) => configuredPort(env, name);
const dataDir = env.CONDUCTOR_DATA_DIR ?? join(cacheDir, 'data');

const installed = await installStack();
// A test that starts a second stack beside its own has built already (and must not rewrite dist/ under running processes).
if (env.CONDUCTOR_SKIP_BUILD !== '1') await build(join(dataDir, 'build.log'));
const stack = await startStack(
  {
    dataDir,
    logDir: env.CONDUCTOR_LOG_DIR ?? join(dataDir, 'logs'),
    gatewayHost: env.CONDUCTOR_GATEWAY_HOST ?? '127.0.0.1',
    publicHost: env.CONDUCTOR_PUBLIC_HOST ?? 'localhost',
    corsOrigins: (env.CONDUCTOR_CORS_ORIGINS ?? 'http://localhost:3000').split(',').map((origin) => origin.trim()).filter(Boolean),
    elasticsearchHeap: env.ELASTICSEARCH_HEAP ?? '1g',
    postgresPassword: env.POSTGRES_PASSWORD ?? 'conductor',
    minioUser: env.MINIO_ROOT_USER ?? 'conductor',
    minioPassword: env.MINIO_ROOT_PASSWORD ?? 'conductor-secret',
    // The development login, so a newcomer can log in without a Google or GitHub app (refused unless the public URL is loopback).
    // The worker's metrics port is a *_PORT setting like every other port here, so a second stack on the machine can move it.
    extraEnv: { TEMPORAL_WORKER_METRICS_ADDRESS: env.TEMPORAL_WORKER_METRICS_ADDRESS ?? `127.0.0.1:${port('workerMetrics')}`, CONDUCTOR_LOCAL_LOGIN: env.CONDUCTOR_LOCAL_LOGIN ?? (/^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(env.CONDUCTOR_PUBLIC_HOST ?? 'localhost') ? '1' : '0') },
    ports: {
      gateway: port('gateway'),
      envoyAdmin: port('envoyAdmin'),
      grpc: port('grpc'),
      http: port('http'),
      postgres: port('postgres'),
      minio: port('minio'),
      minioConsole: port('minioConsole'),
      elasticsearch: port('elasticsearch'),
      elasticsearchTransport: port('elasticsearchTransport'),
      temporal: port('temporal'),
      temporalUi: port('temporalUi'),
      temporalHttp: port('temporalHttp'),
      temporalMetrics: port('temporalMetrics'),
    },
  },
  installed,
);

const { urls } = stack;
process.stdout.write(`
Conductor is running (Ctrl-C stops everything). Logs: ${stack.logDir}

  JSON gateway (Envoy)   ${urls.gateway}          try: curl ${urls.gateway}/health
  gRPC (reflection on)   ${urls.grpc}   (${stack.servers.length} server process${stack.servers.length === 1 ? '' : 'es'} behind the gateway: gRPC ${stack.servers.map((server) => server.grpc).join(', ')})
  Temporal UI            ${urls.temporalUi}
  Temporal (gRPC)        ${urls.temporal}
  MinIO (S3 API)         ${urls.minio}
  MinIO console          ${urls.minioConsole}
  Elasticsearch          ${urls.elasticsearch}
  PostgreSQL             ${urls.postgres.replace(/:[^:@/]*@/, ':***@')}
  Metrics (Prometheus)   ${stack.servers.map((server) => `http://127.0.0.1:${server.http}/metrics`).join(', ')} (servers), ${stack.workers.map((worker) => `http://${worker.metrics}/metrics`).join(', ')} (${stack.workers.length === 1 ? 'worker' : 'workers'})

  Internal methods (set-permissions, dataset-access) need the internal secret:
    export CONDUCTOR_INTERNAL_SECRET_FILE=${stack.conductorEnv.CONDUCTOR_INTERNAL_SECRET_FILE ?? '(set by you)'}

`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  say('stack', 'stopping');
  await stack.stop();
  say('stack', 'stopped');
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
