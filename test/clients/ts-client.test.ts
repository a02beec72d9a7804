/**
 * The installable TypeScript client (clients/ts, `@conductor/client`):
 * generated from the contract with ts-proto for nice-grpc, compiled to JS
 * and .d.ts, installed by an example consumer from its folder as any package
 * is, and calling the running server.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/stack/paths.ts';
import { testStack } from '../setup/test-stack.ts';

const run = promisify(execFile);
const client = join(repoRoot, 'clients', 'ts');
const bin = (name: string) => join(repoRoot, 'node_modules', '.bin', name);
const npm = (cwd: string) => run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd, timeout: 300_000 });

describe('@conductor/client', () => {
  it('builds from the contract, installs into a consumer and calls the server', async () => {
    await run(bin('buf'), ['generate', '--template', 'clients/ts/buf.gen.yaml'], { cwd: repoRoot });
    await npm(client);
    await run(bin('tsc'), ['-p', join(client, 'tsconfig.json')], { cwd: client });
    expect(existsSync(join(client, 'dist', 'index.js'))).toBe(true);
    expect(existsSync(join(client, 'dist', 'index.d.ts'))).toBe(true);
    await npm(join(client, 'example'));
    const { stdout } = await run(process.execPath, [join(client, 'example', 'index.js'), testStack().grpc], { cwd: join(client, 'example'), timeout: 30_000 });
    const answer = JSON.parse(stdout) as { health: string; keys: string[]; packages: number };
    expect(typeof answer.packages).toBe('number');
    expect(answer.health).toBe('OK');
    expect(answer.keys[0]).toMatch(/^(RSA|EC)$/);
  }, 600_000);
});
