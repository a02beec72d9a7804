/**
 * A worker killed (SIGKILL) while it loads rows, and another one started:
 * the load ends `done`, resumed after the rows the dead worker had committed,
 * and the table holds each row exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrm } from '../../src/adapters/postgres/orm.ts';
import { LoadStatusRepository } from '../../src/adapters/postgres/repositories/load-status.repository.ts';
import { factTableFor, tableNameFor } from '../../src/core/packages/table-names.ts';
import { loadPackageWorkflowName, type LoadInput, type LoadStatus, type ResourceLoadResult } from '../../workflows/shared.ts';
import { recordHistory } from '../support/histories.ts';
import { putGeneratedPackage, sql } from '../support/packages.ts';
import { testStack } from '../setup/test-stack.ts';
import { workerNodeFlags } from '../../workflows/worker-node-flags.ts';

const rows = 400_000;
const repoRoot = join(import.meta.dirname, '..', '..');

/** A worker of this test's own, on its own task queue, checkpointing every 20,000 rows. */
function startWorker(taskQueue: string, label: string): ChildProcess {
  const log = openSync(join(testStack().logDir, `fault-worker-${label}.log`), 'a');
  return spawn(process.execPath, [...workerNodeFlags, join(repoRoot, 'dist', 'workflows', 'worker.js')], {
    env: { ...testStack().conductorEnv, TEMPORAL_TASK_QUEUE: taskQueue, TEMPORAL_WORKER_METRICS_ADDRESS: '', PACKAGE_LOAD_CHECKPOINT_ROWS: '20000' },
    stdio: ['ignore', log, log],
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, seconds = 60): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(25);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('a worker killed during loading-data', () => {
  let connection: Connection;
  let client: Client;
  const workers: ChildProcess[] = [];
  beforeAll(async () => {
    connection = await Connection.connect({ address: testStack().temporal });
    client = new Client({ connection });
  });
  afterAll(async () => {
    for (const worker of workers) if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGTERM');
    await Promise.all(workers.map((worker) => (worker.exitCode === null && worker.signalCode === null ? once(worker, 'exit') : undefined)));
    await connection?.close();
  });

  it('is replaced by another; the load resumes after the committed rows and ends with each row once', { timeout: 180_000 }, async () => {
    const stack = testStack();
    const owner = randomBytes(16).toString('hex');
    const name = `fault-${randomBytes(3).toString('hex')}`;
    await putGeneratedPackage(owner, name, rows);

    const taskQueue = `fault-${randomBytes(4).toString('hex')}`;
    const first = startWorker(taskQueue, 'first');
    workers.push(first);
    const datasetId = `${owner}:${name}`;
    // Resource 0's checkpoint; its rows go into the dataset's fact table.
    const table = tableNameFor(datasetId, 0);
    const input: LoadInput = { descriptorUrl: `${stack.s3Endpoint}/${stack.s3Bucket}/${owner}/${name}/datapackage.json`, source: { kind: 'datastore', key: `${owner}/${name}/datapackage.json` }, owner, datasetId };
    const workflowId = `load-fault-${randomBytes(4).toString('hex')}`;
    const handle = await client.workflow.start(loadPackageWorkflowName, { taskQueue, workflowId, args: [input] });

    // The dead worker's committed rows: the kill comes once two checkpoints are in, well before the end.
    const committed = await until('two checkpoints', async () => {
      const [checkpoint] = await sql<{ rows: number }>('select rows_committed::int as rows from package_load_checkpoints where table_name = $1', [table]);
      return checkpoint && checkpoint.rows >= 40_000 ? checkpoint.rows : undefined;
    });
    // Meanwhile /package/status reports the rows of the running resource, from its checkpoint.
    const orm = await createOrm({ url: stack.databaseUrl, poolMax: 1 });
    const live = await new LoadStatusRepository(orm).find(input.descriptorUrl);
    await orm.close();
    expect(live).toMatchObject({ status: 'loading-data', progress: expect.any(Number) });
    expect(live?.progress).toBeGreaterThanOrEqual(committed);
    // The rows count in the Temporal UI follows the checkpoints (the activity signals its workflow).
    await until('rows in the search attribute', async () => {
      const rowsLoaded = ((await handle.describe()).searchAttributes.ConductorRowsLoaded as number[] | undefined)?.[0] ?? 0;
      return rowsLoaded >= 20_000 ? rowsLoaded : undefined;
    });
    first.kill('SIGKILL');
    await once(first, 'exit');
    const [atKill] = await sql<{ rows: number }>('select rows_committed::int as rows from package_load_checkpoints where table_name = $1', [table]);
    expect(atKill?.rows).toBeGreaterThanOrEqual(committed);
    expect(atKill?.rows).toBeLessThan(rows);

    workers.push(startWorker(taskQueue, 'second'));
    const result = (await handle.result()) as LoadStatus;
    expect(result).toEqual({ status: 'done', progress: rows });

    expect(await sql('select count(*)::int as rows, count(distinct c_id)::int as ids, sum(c_id)::text as total from ' + `"${factTableFor(datasetId)}"`)).toEqual([
      { rows, ids: rows, total: String((rows * (rows + 1)) / 2) },
    ]);
    // Rows of both attempts are numbered by their place in the file (the ids of the CSV are 1..rows in order).
    expect(await sql(`select count(*)::int as misnumbered from "${factTableFor(datasetId)}" where "_id" <> c_id`)).toEqual([{ misnumbered: 0 }]);
    expect(await sql('select * from package_load_checkpoints where table_name = $1', [table])).toEqual([]);

    // The second attempt of loadResource resumed where the first one's last checkpoint was.
    const history = await handle.fetchHistory();
    const attempts = (history.events ?? []).filter((event) => event.activityTaskStartedEventAttributes).map((event) => event.activityTaskStartedEventAttributes?.attempt);
    expect(attempts).toContain(2);
    const completions = (history.events ?? []).flatMap((event) => event.activityTaskCompletedEventAttributes?.result?.payloads ?? []).map((payload) => defaultPayloadConverter.fromPayload<unknown>(payload));
    const loaded = completions.find((value): value is ResourceLoadResult => typeof value === 'object' && value !== null && 'resumedAt' in value);
    // PostgreSQL read the generated CSV itself, in checkpointed transactions; the retry skipped the committed records.
    expect(loaded).toEqual({ rows, resumedAt: atKill?.rows, parsedBy: 'postgresql' });
    await recordHistory(handle, 'load-resumed-after-worker-kill');
  });
});
