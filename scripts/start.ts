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
import { startStack } from './stack/stack.ts';

if (existsSync(join(repoRoot, '.env'))) process.loadEnvFile(join(repoRoot, '.env'));
const env = process.env;
const port = (name: string, fallback: number) => Number(env[name] ?? fallback);
const dataDir = env.CONDUCTOR_DATA_DIR ?? join(cacheDir, 'data');

const installed = await installStack();
await build(join(dataDir, 'build.log'));
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
    extraEnv: { TEMPORAL_WORKER_METRICS_ADDRESS: env.TEMPORAL_WORKER_METRICS_ADDRESS ?? `127.0.0.1:${port('WORKER_METRICS_PORT', 9464)}`, CONDUCTOR_LOCAL_LOGIN: env.CONDUCTOR_LOCAL_LOGIN ?? (/^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(env.CONDUCTOR_PUBLIC_HOST ?? 'localhost') ? '1' : '0') },
    ports: {
      gateway: port('CONDUCTOR_GATEWAY_PORT', 8080),
      envoyAdmin: port('ENVOY_ADMIN_PORT', 9901),
      grpc: port('CONDUCTOR_GRPC_PORT', 50051),
      http: port('CONDUCTOR_HTTP_PORT', 8081),
      postgres: port('POSTGRES_PORT', 55432),
      minio: port('MINIO_PORT', 9000),
      minioConsole: port('MINIO_CONSOLE_PORT', 9001),
      elasticsearch: port('ELASTICSEARCH_PORT', 9200),
      elasticsearchTransport: port('ELASTICSEARCH_TRANSPORT_PORT', 9300),
      temporal: port('TEMPORAL_PORT', 7233),
      temporalUi: port('TEMPORAL_UI_PORT', 8233),
      temporalHttp: port('TEMPORAL_HTTP_PORT', 7243),
      temporalMetrics: port('TEMPORAL_METRICS_PORT', 7235),
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
  Metrics (Prometheus)   ${stack.servers.map((server) => `http://127.0.0.1:${server.http}/metrics`).join(', ')} (servers), http://${stack.conductorEnv.TEMPORAL_WORKER_METRICS_ADDRESS}/metrics (worker)

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
