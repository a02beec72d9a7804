/**
 * No single point of failure, tried as an operator would: server processes
 * killed (SIGKILL) or stopped (SIGTERM) under 200 connections, and a whole
 * "machine" (a group of server and worker processes on its own loopback
 * address) lost under load while it runs a load. Envoy is rendered from the
 * stack's own template; PostgreSQL, Elasticsearch, MinIO and Temporal are the
 * test stack's. Each case prints its figures.
 */
import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWorkflowIdFor } from '../../src/core/packages/load.service.ts';
import { factTableFor, tableNameFor } from '../../src/core/packages/table-names.ts';
import { logIn, uniqueUser } from '../support/login.ts';
import { startGateway, startMachine, type Machine } from '../support/machines.ts';
import { putGeneratedPackage, sql } from '../support/packages.ts';
import { testStack } from '../setup/test-stack.ts';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/** An autocannon run that can be stopped before its duration, and its result. */
function loadGenerator(options: autocannon.Options): { stop(): void; result: Promise<autocannon.Result> } {
  let instance: autocannon.Instance | undefined;
  const result = new Promise<autocannon.Result>((done, fail) => {
    instance = autocannon(options, (error, finished) => (error ? fail(error as Error) : done(finished)));
  });
  return { stop: () => instance?.stop(), result };
}

/** Calls, non-2xx answers and transport errors of an autocannon run. */
function failures(result: autocannon.Result): { calls: number; failed: number; detail: string } {
  const statuses = Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => `${code}: ${count}`).join(', ');
  return { calls: result.requests.total, failed: result.non2xx + result.errors + result.timeouts, detail: `statuses ${statuses}; ${result.errors} errors, ${result.timeouts} timeouts` };
}

describe('a server process lost under 200 connections', () => {
  let machine: Machine;
  let gateway: { url: string; admin: string; stop(): Promise<void> };
  let token: string;

  beforeAll(async () => {
    token = await logIn('google', uniqueUser());
    // Three server processes: the first is killed, the second stopped, the third is left.
    machine = await startMachine({ address: '127.0.0.1', servers: 3, workers: 0, taskQueue: `failover-${randomBytes(4).toString('hex')}`, env: { CONDUCTOR_SHUTDOWN_DRAIN_SECONDS: '2' } });
    gateway = await startGateway([machine], `processes-${randomBytes(3).toString('hex')}`);
  });
  afterAll(async () => {
    await gateway?.stop();
    await machine?.stop();
  });

  /** 200 connections on /user/check with a user token for `seconds`; `act` runs after `actAfterMs`. */
  async function underLoad(seconds: number, actAfterMs: number, act: () => void) {
    const run = loadGenerator({ url: `${gateway.url}/user/check`, connections: 200, duration: seconds, headers: { authorization: `Bearer ${token}` } });
    const timer = setTimeout(act, actAfterMs);
    const result = await run.result;
    clearTimeout(timer);
    return failures(result);
  }

  it('killed (SIGKILL): no call fails', { timeout: 60_000 }, async () => {
    const victim = machine.servers[0];
    const figures = await underLoad(6, 2000, () => process.kill(victim?.pid ?? 0, 'SIGKILL'));
    console.log(`failover: a server process SIGKILLed under 200 connections: ${figures.calls} calls, ${figures.failed} failed (${figures.detail})`);
    if (figures.failed) console.log((await (await fetch(`${gateway.admin}/stats?filter=conductor_grpc.*(retry|reset|destroy|ejec|health)`)).text()));
    expect(figures.calls).toBeGreaterThan(1000);
    expect(figures.failed).toBe(0);
  });

  it('stopped (SIGTERM): it drains, and no call fails', { timeout: 60_000 }, async () => {
    const victim = machine.servers[1];
    const figures = await underLoad(6, 1000, () => process.kill(victim?.pid ?? 0, 'SIGTERM'));
    console.log(`failover: a server process SIGTERMed under 200 connections: ${figures.calls} calls, ${figures.failed} failed (${figures.detail})`);
    expect(figures.calls).toBeGreaterThan(1000);
    expect(figures.failed).toBe(0);
  });
});

describe('a machine lost under load, in the middle of a load', () => {
  const taskQueue = `machines-${randomBytes(4).toString('hex')}`;
  const machineEnv = { PACKAGE_LOAD_CHECKPOINT_ROWS: '20000', CONDUCTOR_SHUTDOWN_DRAIN_SECONDS: '0' };
  const machines: Machine[] = [];
  let gateway: { url: string; stop(): Promise<void> };

  let temporal: Connection;

  beforeAll(async () => {
    for (const address of ['127.0.0.2', '127.0.0.3']) machines.push(await startMachine({ address, servers: 1, workers: 1, taskQueue, env: machineEnv }));
    gateway = await startGateway(machines, `machines-${randomBytes(3).toString('hex')}`);
    temporal = await Connection.connect({ address: testStack().temporal });
  });
  afterAll(async () => {
    await gateway?.stop();
    await Promise.all(machines.map((machine) => machine.stop()));
    await temporal?.close();
  });

  it('reads keep succeeding, and the load ends done with every row once', { timeout: 240_000 }, async () => {
    const stack = testStack();
    const user = uniqueUser();
    const token = await logIn('google', user);
    const owner = md5(user.email);
    const name = `machines-${randomBytes(3).toString('hex')}`;
    const rows = 600_000;
    const key = await putGeneratedPackage(owner, name, rows);
    const descriptorUrl = `${stack.conductorEnv.S3_PUBLIC_ENDPOINT}/${stack.s3Bucket}/${key}`;
    const call = async (path: string, init: RequestInit = {}) => {
      const response = await fetch(`${gateway.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}` } });
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    };

    const upload = await call(`/package/upload?datapackage=${encodeURIComponent(descriptorUrl)}`, { method: 'POST' });
    expect(upload).toEqual({ status: 200, json: { status: 'queued', progress: 0 } });

    // Reads for the whole test, through the machines' gateway.
    const reads = loadGenerator({
      url: gateway.url,
      connections: 20,
      duration: 600,
      requests: [{ path: '/user/check', headers: { authorization: `Bearer ${token}` } }, { path: `/package/status?datapackage=${encodeURIComponent(descriptorUrl)}` }],
    });
    try {
      // Once the first checkpoint is in, the machine whose worker runs the load (Temporal names the worker: pid@host) is lost.
      const checkpointTable = tableNameFor(`${owner}:${name}`, 0);
      for (let waited = 0; ; waited += 25) {
        const [checkpoint] = await sql<{ rows: number }>('select rows_committed::int as rows from package_load_checkpoints where table_name = $1', [checkpointTable]);
        if (checkpoint && checkpoint.rows > 0) break;
        if (waited > 120_000) throw new Error('no checkpoint was committed');
        await sleep(25);
      }
      const running = await temporal.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId: loadWorkflowIdFor(`${owner}:${name}`) } });
      const identity = running.pendingActivities?.[0]?.lastWorkerIdentity ?? '';
      const lost = machines.find((machine) => machine.workers.some((worker) => identity.startsWith(`${worker.pid}@`)));
      if (!lost) throw new Error(`no machine runs the worker ${identity}`);
      const lostAt = Date.now();
      lost.lose();

      let status: Record<string, unknown> = {};
      while (Date.now() - lostAt < 180_000) {
        status = (await call(`/package/status?datapackage=${encodeURIComponent(descriptorUrl)}`)).json;
        if (status.status === 'done' || status.status === 'fail') break;
        await sleep(250);
      }
      console.log(`failover: the machine running a ${rows}-row load (${lost.address}) lost at its first checkpoint; the load ended ${String(status.status)} ${((Date.now() - lostAt) / 1000).toFixed(1)} s later`);
      expect(status.status).toBe('done');
    } finally {
      reads.stop();
    }
    const figures = failures(await reads.result);
    console.log(`failover: reads through the gateway meanwhile (20 connections): ${figures.calls} calls, ${figures.failed} failed (${figures.detail})`);
    expect(figures.calls).toBeGreaterThan(100);
    expect(figures.failed).toBe(0);

    const [count] = await sql<{ all: number; distinct: number }>(`select count(*)::int as all, count(distinct c_id)::int as distinct from "${factTableFor(`${owner}:${name}`)}"`);
    expect(count).toEqual({ all: rows, distinct: rows });
  });
});
