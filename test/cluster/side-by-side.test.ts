/**
 * `npm start`'s own script, with every port moved by its setting and its own
 * data folder, starts a whole second stack beside this test run's stack —
 * both answer, and the second stops cleanly on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/stack/paths.ts';
import { portSettings } from '../../scripts/stack/port-settings.ts';
import { freePort } from '../../scripts/stack/ports.ts';
import { testStack } from '../setup/test-stack.ts';

describe('two stacks on one machine', () => {
  it('npm start with every port setting moved starts beside the running stack', { timeout: 300_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'conductor-second-'));
    const env: NodeJS.ProcessEnv = { ...process.env, CONDUCTOR_DATA_DIR: dataDir, CONDUCTOR_SKIP_BUILD: '1', CONDUCTOR_SERVER_PROCESSES: '1', ELASTICSEARCH_HEAP: '512m' };
    delete env.TEMPORAL_WORKER_METRICS_ADDRESS;
    const ports: Record<string, number> = {};
    for (const [name, [setting]] of Object.entries(portSettings)) {
      let port = await freePort();
      while (Object.values(ports).includes(port)) port = await freePort();
      ports[name] = port;
      env[setting] = String(port);
    }
    const start = spawn(process.execPath, [join(repoRoot, 'scripts', 'start.ts')], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    start.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    start.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const deadline = Date.now() + 240_000;
      while (!output.includes('Conductor is running') && start.exitCode === null && Date.now() < deadline) await new Promise((wait) => setTimeout(wait, 250));
      expect(output, output.slice(-3000)).toContain('Conductor is running');

      const second = await fetch(`http://127.0.0.1:${ports.gateway}/health`);
      expect(second.status).toBe(200);
      const workerMetrics = await fetch(`http://127.0.0.1:${ports.workerMetrics}/metrics`);
      expect(workerMetrics.status).toBe(200);
      expect(await workerMetrics.text()).toContain('temporal_');
      // The first stack is untouched.
      expect((await fetch(`${testStack().gateway}/health`)).status).toBe(200);
    } finally {
      const exited = start.exitCode === null ? once(start, 'exit') : Promise.resolve([start.exitCode]);
      start.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      rmSync(dataDir, { recursive: true, force: true });
      expect(code).toBe(0);
    }
  });
});
