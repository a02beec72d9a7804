/** The stack scripts supervise Conductor's server and worker: an unexpected exit is restarted, a requested stop is not. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { startService } from '../../scripts/stack/service-process.ts';

const alive = (pid: number | undefined) => {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('service supervision', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'conductor-supervision-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('restarts a supervised service killed with SIGKILL, and leaves it stopped after stop()', async () => {
    const logFile = join(scratch, 'service.log');
    const service = await startService({
      name: 'sleeper',
      command: process.execPath,
      args: ['-e', 'console.log("started", process.pid); setInterval(() => {}, 1000)'],
      logFile,
      ready: async () => readFileSync(logFile, 'utf8').includes('started'),
      restart: true,
    });
    const firstPid = service.pid;
    expect(alive(firstPid)).toBe(true);
    process.kill(firstPid as number, 'SIGKILL');
    await expect.poll(() => service.pid !== firstPid && alive(service.pid), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => readFileSync(logFile, 'utf8').match(/started/g)?.length, { timeout: 10_000 }).toBe(2);
    const secondPid = service.pid;
    await service.stop();
    expect(alive(secondPid)).toBe(false);
    await sleep(1_500);
    expect(service.pid).toBe(secondPid);
    expect(readFileSync(logFile, 'utf8').match(/started/g)?.length).toBe(2);
  });
});
