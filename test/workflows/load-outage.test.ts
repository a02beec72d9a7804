/**
 * Backends going away while a load runs: a worker of this test's own reaches
 * the real PostgreSQL and MinIO through TCP proxies, whose links are cut
 * (connections reset, new ones refused) and restored mid-load. The load
 * waits the outages out, resumes from its checkpoints and ends `done` with
 * each row exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factTableFor, tableNameFor } from '../../src/core/packages/table-names.ts';
import { loadPackageWorkflowName, type LoadInput, type LoadStatus } from '../../workflows/shared.ts';
import { putGeneratedPackage, sql } from '../support/packages.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import { testStack } from '../setup/test-stack.ts';
import { workerNodeFlags } from '../../workflows/worker-node-flags.ts';

const rows = 300_000;
const repoRoot = join(import.meta.dirname, '..', '..');

async function until<T>(what: string, probe: () => Promise<T | undefined>, seconds = 90): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(25);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('backends down during a load', () => {
  let connection: Connection;
  let client: Client;
  let worker: ChildProcess | undefined;
  const proxies: TcpProxy[] = [];
  beforeAll(async () => {
    connection = await Connection.connect({ address: testStack().temporal });
    client = new Client({ connection });
  });
  afterAll(async () => {
    if (worker && worker.exitCode === null && worker.signalCode === null) {
      worker.kill('SIGTERM');
      await once(worker, 'exit');
    }
    await Promise.all(proxies.map((proxy) => proxy.close()));
    await connection?.close();
  });

  it('PostgreSQL and MinIO cut and restored mid-load: the load ends done, each row once', async () => {
    const stack = testStack();
    const database = new URL(stack.databaseUrl);
    const objectStore = new URL(stack.s3Endpoint);
    const postgresProxy = await startTcpProxy({ host: database.hostname, port: Number(database.port) });
    const minioProxy = await startTcpProxy({ host: objectStore.hostname, port: Number(objectStore.port) });
    proxies.push(postgresProxy, minioProxy);
    database.port = String(postgresProxy.port);

    const owner = randomBytes(16).toString('hex');
    const name = `outage-${randomBytes(3).toString('hex')}`;
    await putGeneratedPackage(owner, name, rows);

    const taskQueue = `outage-${randomBytes(4).toString('hex')}`;
    const log = openSync(join(stack.logDir, 'outage-worker.log'), 'a');
    worker = spawn(process.execPath, [...workerNodeFlags, join(repoRoot, 'dist', 'workflows', 'worker.js')], {
      env: {
        ...stack.conductorEnv,
        TEMPORAL_TASK_QUEUE: taskQueue, TEMPORAL_WORKER_METRICS_ADDRESS: '',
        PACKAGE_LOAD_CHECKPOINT_ROWS: '20000',
        DATABASE_URL: database.toString(),
        S3_ENDPOINT: `http://127.0.0.1:${minioProxy.port}`,
      },
      stdio: ['ignore', log, log],
    });
    const datasetId = `${owner}:${name}`;
    // Resource 0's checkpoint; its rows go into the dataset's fact table.
    const table = tableNameFor(datasetId, 0);
    const input: LoadInput = {
      descriptorUrl: `${stack.s3Endpoint}/${stack.s3Bucket}/${owner}/${name}/datapackage.json`,
      source: { kind: 'datastore', key: `${owner}/${name}/datapackage.json` },
      owner,
      datasetId,
      retryWindowSeconds: 300,
    };
    const handle = await client.workflow.start(loadPackageWorkflowName, { taskQueue, workflowId: `load-outage-${randomBytes(4).toString('hex')}`, args: [input] });
    const checkpointed = async () => (await sql<{ rows: number }>('select rows_committed::int as rows from package_load_checkpoints where table_name = $1', [table]))[0]?.rows ?? 0;

    // PostgreSQL goes away for 12 seconds once two checkpoints are in.
    await until('two checkpoints', async () => ((await checkpointed()) >= 40_000 ? true : undefined));
    await postgresProxy.cut();
    await sleep(12_000);
    await postgresProxy.restore();
    // Then MinIO, while the file is being read again.
    const beforeMinio = await checkpointed();
    await until('more rows after PostgreSQL came back', async () => ((await checkpointed()) > beforeMinio || (await checkpointed()) === 0 ? true : undefined));
    await minioProxy.cut();
    await sleep(8_000);
    await minioProxy.restore();

    const result = (await handle.result()) as LoadStatus;
    expect(result).toEqual({ status: 'done', progress: rows });
    expect(await sql(`select count(*)::int as rows, count(distinct c_id)::int as ids, sum(c_id)::text as total from "${factTableFor(datasetId)}"`)).toEqual([
      { rows, ids: rows, total: String((rows * (rows + 1)) / 2) },
    ]);
    // The outages really broke attempts: the load was retried, not lucky.
    const history = await handle.fetchHistory();
    const failedAttempts = (history.events ?? []).filter((event) => event.activityTaskStartedEventAttributes && (event.activityTaskStartedEventAttributes.attempt ?? 1) > 1).length;
    expect(failedAttempts).toBeGreaterThanOrEqual(1);
    expect(await sql("select table_name from information_schema.tables where table_name like $1", [`${factTableFor(datasetId)}%loading`])).toEqual([]);
  }, 240_000);
});
