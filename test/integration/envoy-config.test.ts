/** The gateway configuration is validated by Envoy itself (`envoy --mode validate`). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/stack/paths.ts';
import { renderEnvoyConfig, validateEnvoyConfig, type GatewaySettings } from '../../scripts/stack/parts/envoy.ts';
import { testStack } from '../setup/test-stack.ts';

const settings: GatewaySettings = {
  gatewayHost: '0.0.0.0',
  gatewayPort: 8080,
  adminPort: 9901,
  upstreams: [
    { host: '127.0.0.1', grpc: 50051, http: 8081 },
    { host: '127.0.0.1', grpc: 50052, http: 8082 },
  ],
  descriptorFile: join(repoRoot, 'envoy', 'descriptor.pb'),
  corsOrigins: ['https://openspending.example', '*'],
  maxRequestBytes: 1024 * 1024,
  maxResponseBytes: 16 * 1024 * 1024,
};

describe('envoy configuration', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'conductor-envoy-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('renders with every placeholder filled and passes envoy --mode validate', async () => {
    const rendered = renderEnvoyConfig(settings);
    expect(rendered).not.toMatch(/\$\{/);
    const file = join(scratch, 'envoy.yaml');
    writeFileSync(file, rendered);
    await expect(validateEnvoyConfig(testStack().envoyBinary, file, join(scratch, 'validate.log'))).resolves.toBeUndefined();
  });

  it('is refused by validation when the descriptor set is missing', async () => {
    const file = join(scratch, 'broken.yaml');
    writeFileSync(file, renderEnvoyConfig({ ...settings, descriptorFile: join(scratch, 'missing.pb') }));
    await expect(validateEnvoyConfig(testStack().envoyBinary, file, join(scratch, 'broken.log'))).rejects.toThrow(/exited with 1/);
  });
});
