/**
 * docker-compose.yml cannot be run on the machines Conductor is developed on
 * (no Docker engine), so its security properties are checked on the file:
 * only the gateway is published on every interface, the backends and the
 * gRPC port stay on an internal network, and no secret has a default.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../../scripts/stack/paths.ts';
import { containerCommands } from '../../src/cli/container-commands.ts';
import { loadConfig } from '../../src/config/index.ts';
import { workerNodeFlags } from '../../workflows/worker-node-flags.ts';

interface Service {
  ports?: string[];
  networks?: string[];
  environment?: Record<string, string> | string[];
}

const compose = parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service & { command?: string[] }>;
  networks: Record<string, { internal?: boolean } | null>;
};

describe('docker-compose.yml', () => {
  it('publishes only the JSON gateway on every interface; the rest on loopback or not at all', () => {
    const published = Object.entries(compose.services).flatMap(([name, service]) => (service.ports ?? []).map((port) => `${name} ${port}`));
    const everyInterface = published.filter((entry) => !/ 127\.0\.0\.1:/.test(entry));
    expect(everyInterface).toEqual(['envoy 8080:8080']);
    for (const name of ['postgres', 'elasticsearch', 'conductor', 'worker']) expect(compose.services[name]?.ports, name).toBeUndefined();
  });

  it('keeps PostgreSQL and Elasticsearch on an internal network only', () => {
    expect(compose.networks.backend?.internal).toBe(true);
    for (const name of ['postgres', 'elasticsearch']) expect(compose.services[name]?.networks, name).toEqual(['backend']);
  });

  it('takes every password and secret from the environment, refusing to start without them', () => {
    const secrets = Object.entries(compose.services).flatMap(([name, service]) =>
      Object.entries(service.environment && !Array.isArray(service.environment) ? service.environment : {})
        .filter(([variable]) => /PASSWORD|SECRET/.test(variable))
        .map(([variable, value]) => [`${name}.${variable}`, String(value)]),
    );
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    for (const [where, value] of secrets) expect(value, where).toMatch(/^\$\{\w+:\?[^}]+\}$/);
    expect(String(compose.services.conductor?.environment && (compose.services.conductor.environment as Record<string, string>).DATABASE_URL)).toMatch(/\$\{POSTGRES_PASSWORD:\?/);
  });

  it("gives Conductor's processes an environment their configuration accepts", () => {
    const environment = compose.services.conductor?.environment as Record<string, string>;
    // As compose substitutes: required variables get a value, defaults apply.
    const substituted = Object.fromEntries(
      Object.entries(environment).map(([name, value]) => [
        name,
        String(value)
          .replace(/\$\{(\w+):\?[^}]*\}/g, () => 's'.repeat(40))
          .replace(/\$\{(\w+):-([^}]*)\}/g, (_, _variable: string, fallback: string) => fallback),
      ]),
    );
    expect(() => loadConfig(undefined, substituted)).not.toThrow();
    // The worker's adds the Node flags it must start with.
    expect(compose.services.worker?.environment).toEqual({ ...environment, NODE_OPTIONS: workerNodeFlags.join(' ') });
  });

  it('runs commands the image has: the Dockerfile entry point and every container command exist in the build', () => {
    const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toContain('"dist/src/cli/container.js"');
    expect(existsSync(join(repoRoot, 'dist', 'src', 'cli', 'container.js'))).toBe(true);
    for (const [command, file] of Object.entries(containerCommands)) {
      expect(existsSync(join(repoRoot, 'dist', 'src', 'cli', file)), command).toBe(true);
    }
    const conductorCommand = String((compose.services.conductor as { command?: string[] }).command);
    expect(conductorCommand).toContain('scripts/prepare-gateway.ts');
    expect(existsSync(join(repoRoot, 'scripts', 'prepare-gateway.ts'))).toBe(true);
    for (const command of ['migrate', 'server']) expect(conductorCommand).toContain(`container.js ${command}`);
    expect((compose.services.worker as { command?: string[] }).command).toEqual(['worker']);
  });
});
