/**
 * For deployments that do not use `npm start` (docker-compose.yml, or your
 * own): writes the rendered Envoy configuration and, when no signing key is
 * configured, a development key. Settings come from the environment:
 *   node scripts/prepare-gateway.ts <envoy.yaml out> [<folder for a development key>]
 * GATEWAY_UPSTREAM_HOST names the host of Conductor's gRPC and HTTP listeners.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderEnvoyConfig } from './stack/parts/envoy.ts';
import { otlpTracesEndpoint } from '../src/adapters/telemetry/tracing.ts';
import { repoRoot } from './stack/paths.ts';
import { developmentSigningKey } from './stack/stack.ts';

const [out, keyFolder] = process.argv.slice(2);
if (!out) {
  process.stderr.write('usage: node scripts/prepare-gateway.ts <envoy.yaml out> [<folder for a development key>]\n');
  process.exit(2);
}
const env = process.env;
writeFileSync(
  out,
  renderEnvoyConfig({
    gatewayHost: env.CONDUCTOR_GATEWAY_HOST ?? '0.0.0.0',
    gatewayPort: Number(env.CONDUCTOR_GATEWAY_PORT ?? 8080),
    adminPort: Number(env.ENVOY_ADMIN_PORT ?? 9901),
    // One name that may answer with several addresses: each is a server process (STRICT_DNS).
    upstreams: [{ host: env.GATEWAY_UPSTREAM_HOST ?? '127.0.0.1', grpc: Number(env.CONDUCTOR_GRPC_PORT ?? 50051), http: Number(env.CONDUCTOR_HTTP_PORT ?? 8081) }],
    descriptorFile: join(repoRoot, 'envoy', 'descriptor.pb'),
    corsOrigins: (env.CONDUCTOR_CORS_ORIGINS ?? 'http://localhost:3000').split(',').map((origin) => origin.trim()),
    maxRequestBytes: Number(env.GATEWAY_MAX_REQUEST_BYTES ?? 1024 * 1024),
    maxResponseBytes: Number(env.GATEWAY_MAX_RESPONSE_BYTES ?? 16 * 1024 * 1024),
    otlpTracesEndpoint: otlpTracesEndpoint(env),
  }),
);
if (keyFolder && !env.CONDUCTOR_SIGNING_KEY) process.stdout.write(`${developmentSigningKey(keyFolder)}\n`);
