/**
 * The documented Python path: a virtualenv with clients/python/requirements.txt
 * (grpcio-tools from PyPI; kept in the cache folder, keyed by the file),
 * stubs generated from the contract, and the example calling the running
 * server's gRPC port.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/stack/paths.ts';
import { pythonEnv } from '../support/python-env.ts';
import { testStack } from '../setup/test-stack.ts';

const run = promisify(execFile);
const requirements = join(repoRoot, 'clients', 'python', 'requirements.txt');

describe('the Python client path', () => {
  const stubs = mkdtempSync(join(tmpdir(), 'conductor-python-stubs-'));
  afterAll(() => rmSync(stubs, { recursive: true, force: true }));

  it('generates stubs with grpcio-tools and calls Health, GetHealth and GetJwks', async () => {
    const python = join(await pythonEnv('python-client', requirements), 'bin', 'python');
    const generated = await run(python, [join(repoRoot, 'clients', 'python', 'generate.py'), stubs]);
    expect(generated.stdout).toMatch(/^stubs for \d+ files in /);
    const { stdout } = await run(python, [join(repoRoot, 'clients', 'python', 'example.py'), stubs, testStack().grpc], { timeout: 60_000 });
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      { health: 'conductor.auth.v1.AuthService', status: 'SERVING' },
      { health: 'conductor.workpackage.v1.WorkPackageService', status: 'SERVING' },
      { GetHealth: { status: 'OK' } },
      { GetJwks: [expect.stringMatching(/^(RSA|EC)$/)] },
    ]);
  }, 600_000);
});
