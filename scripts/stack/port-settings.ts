import type { StackPorts } from './stack.ts';

/**
 * The setting that moves each port of `npm start`'s stack, and its default.
 * Every port is here (the type makes a new one impossible to forget), so a
 * second stack on the same machine starts with all of them set elsewhere.
 */
export const portSettings: Record<keyof StackPorts | 'workerMetrics', [setting: string, fallback: number]> = {
  gateway: ['CONDUCTOR_GATEWAY_PORT', 8080],
  envoyAdmin: ['ENVOY_ADMIN_PORT', 9901],
  grpc: ['CONDUCTOR_GRPC_PORT', 50051],
  http: ['CONDUCTOR_HTTP_PORT', 8081],
  postgres: ['POSTGRES_PORT', 55432],
  minio: ['MINIO_PORT', 9000],
  minioConsole: ['MINIO_CONSOLE_PORT', 9001],
  elasticsearch: ['ELASTICSEARCH_PORT', 9200],
  elasticsearchTransport: ['ELASTICSEARCH_TRANSPORT_PORT', 9300],
  temporal: ['TEMPORAL_PORT', 7233],
  temporalUi: ['TEMPORAL_UI_PORT', 8233],
  temporalHttp: ['TEMPORAL_HTTP_PORT', 7243],
  temporalMetrics: ['TEMPORAL_METRICS_PORT', 7235],
  // The first worker's Prometheus metrics (TEMPORAL_WORKER_METRICS_ADDRESS, host:port, wins); further workers take free ports.
  workerMetrics: ['WORKER_METRICS_PORT', 9464],
};

/** The port each setting names in `env`, or its default. */
export function configuredPort(env: NodeJS.ProcessEnv, name: keyof typeof portSettings): number {
  const [setting, fallback] = portSettings[name];
  return Number(env[setting] ?? fallback);
}
