/**
 * What an uploader and an operator are promised about loads, through Envoy:
 * one load per dataset at a time, an upload answered `queued`, statuses kept
 * in PostgreSQL (answered after Temporal has forgotten the workflow, with
 * every step so far), and a failed load failing its workflow.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWorkflowIdFor } from '../../src/core/packages/load.service.ts';
import { factTableFor } from '../../src/core/packages/table-names.ts';
import { loadStatuses } from '../../src/core/packages/load.types.ts';
import { recordHistory } from '../support/histories.ts';
import { logIn, uniqueUser } from '../support/login.ts';
import { countRows, follow, sql, startLoad, uploadPackage } from '../support/packages.ts';
import { testStack } from '../setup/test-stack.ts';
import { gateway } from './http.ts';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

const fields = [{ name: 'id', type: 'integer' }, { name: 'label', type: 'string' }, { name: 'amount', type: 'number' }];
const model = { measures: { amount: { source: 'amount', currency: 'EUR' } }, dimensions: { item: { attributes: { label: { source: 'label' } }, primaryKey: 'label' } } };
const csvRows = (from: number, to: number) => Buffer.from(`id,label,amount\n${Array.from({ length: to - from + 1 }, (_, i) => `${from + i},item ${(from + i) % 97},${(from + i) * 2}`).join('\n')}\n`);

/** A package of two resources of the same schema, in two files. */
function twoResources(name: string, first: Buffer, second: Buffer, secondFields = fields): Record<string, Buffer> {
  const descriptor = { name, resources: [{ name: 'part-a', path: 'a.csv', schema: { fields } }, { name: 'part-b', path: 'b.csv', schema: { fields: secondFields } }], model };
  return { 'datapackage.json': Buffer.from(JSON.stringify(descriptor)), 'a.csv': first, 'b.csv': second };
}

/** A package of one resource of `rows` rows (ids 1..rows, amounts id × 2). */
function packageOf(name: string, rows: number, resourcePath = 'data.csv'): Record<string, Buffer> {
  const lines = ['id,label,amount'];
  for (let i = 1; i <= rows; i++) lines.push(`${i},item ${i % 97},${i * 2}`);
  const descriptor = {
    name,
    resources: [{ name: 'data', path: resourcePath, schema: { fields: [{ name: 'id', type: 'integer' }, { name: 'label', type: 'string' }, { name: 'amount', type: 'number' }] } }],
    model: { measures: { amount: { source: 'amount', currency: 'EUR' } }, dimensions: { item: { attributes: { label: { source: 'label' } }, primaryKey: 'label' } } },
  };
  return { 'datapackage.json': Buffer.from(JSON.stringify(descriptor)), [resourcePath]: Buffer.from(`${lines.join('\n')}\n`) };
}

describe('load guarantees', () => {
  let token: string;
  let owner: string;
  let temporal: Client;
  let connection: Connection;

  beforeAll(async () => {
    const user = uniqueUser();
    token = await logIn('google', user);
    owner = md5(user.email);
    connection = await Connection.connect({ address: testStack().temporal });
    temporal = new Client({ connection });
  });
  afterAll(async () => connection.close());

  it('answers an upload with queued, every time', async () => {
    for (let i = 0; i < 5; i++) {
      const url = await uploadPackage(token, owner, `queued-${randomBytes(3).toString('hex')}`, packageOf('queued', 50));
      const started = await startLoad(token, url);
      expect(started.status).toBe(200);
      expect(started.json).toEqual({ status: 'queued', progress: 0 });
      const { last } = await follow(url);
      expect(last.status).toBe('done');
      if (i === 0) {
        const handle = temporal.workflow.getHandle(loadWorkflowIdFor(String(last.dataset_id)));
        await recordHistory(handle, 'load-done');
        // The Temporal UI explains the load: a readable id, a summary, search attributes set from the start.
        const description = await handle.describe();
        expect(description.workflowId).toBe(`load:${last.dataset_id}`);
        expect(await description.staticSummary()).toBe(`Load ${last.dataset_id} from ${url}`);
        expect(description.searchAttributes).toMatchObject({ ConductorDatasetId: [last.dataset_id], ConductorOwner: [owner], ConductorLoadStatus: ['done'], ConductorRowsLoaded: [50] });
      }
    }
  });

  it('runs one load per dataset: another descriptor of a dataset being loaded is refused until that load ends', async () => {
    const name = `race-${randomBytes(3).toString('hex')}`;
    const rows = 200_000;
    const first = await uploadPackage(token, owner, name, packageOf(name, rows));
    expect((await startLoad(token, first)).json).toEqual({ status: 'queued', progress: 0 });
    // The same dataset (same folder), another descriptor URL.
    const second = `${first}?v=2`;
    const refused = await startLoad(token, second);
    expect(refused.status).toBe(409);
    expect(refused.json).toMatchObject({ code: 6, message: expect.stringContaining('is being loaded from another descriptor') });
    // The same URL joins the running load.
    const joined = await startLoad(token, first);
    expect(joined.status).toBe(200);
    const done = await follow(first);
    expect(done.last).toMatchObject({ status: 'done', progress: rows });
    // Once it has ended, the other descriptor loads.
    expect((await startLoad(token, second)).json).toEqual({ status: 'queued', progress: 0 });
    expect((await follow(second)).last).toMatchObject({ status: 'done', progress: rows });
    const datasetId = String(done.last.dataset_id);
    expect(await countRows(factTableFor(datasetId))).toBe(rows);
    expect(await sql(`select count(distinct c_id)::int as ids, sum(c_id)::text as total from "${factTableFor(datasetId)}"`)).toEqual([{ ids: rows, total: String((rows * (rows + 1)) / 2) }]);
  });

  it('keeps every status with its time in PostgreSQL, answering from there once the workflow is deleted', async () => {
    const name = `durable-${randomBytes(3).toString('hex')}`;
    const url = await uploadPackage(token, owner, name, packageOf(name, 100));
    await startLoad(token, url);
    const { last } = await follow(url);
    expect(last).toMatchObject({ status: 'done', progress: 100 });
    const steps = last.steps as { status: string; at: string; rows: number }[];
    expect(steps.map((step) => step.status)).toEqual([...loadStatuses]);
    expect(steps.every((step, i) => i === 0 || Date.parse(step.at) >= Date.parse(steps[i - 1]?.at ?? ''))).toBe(true);
    expect(steps.at(-1)?.rows).toBe(100);

    const workflowId = loadWorkflowIdFor(`${owner}:${name}`);
    await temporal.workflowService.deleteWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId } });
    // (Temporal removes the execution in the background; /package/status never asks Temporal, so it answers either way.)
    const after = await gateway(`/package/status?datapackage=${encodeURIComponent(url)}`);
    expect(after.status).toBe(200);
    expect(after.json).toMatchObject({ status: 'done', progress: 100, steps: expect.any(Array) });
  });

  it('makes every resource reachable through the model: several resources form one fact table', async () => {
    const name = `two-${randomBytes(3).toString('hex')}`;
    const url = await uploadPackage(token, owner, name, twoResources(name, csvRows(1, 30), csvRows(31, 50)));
    await startLoad(token, url);
    const { last } = await follow(url);
    expect(last).toMatchObject({ status: 'done', progress: 50 });
    const datasetId = String(last.dataset_id);
    const document = ((await gateway(`/search/package?id=${encodeURIComponent(JSON.stringify(datasetId))}`, { headers: { authorization: `Bearer ${token}` } })).json as { model: { fact_table: string }; package: { count_of_rows: number } }[])[0];
    expect(document?.package.count_of_rows).toBe(50);
    const factTable = String(document?.model.fact_table);
    expect(await sql(`select count(*)::int as rows, sum(c_id)::int as ids from "${factTable}"`)).toEqual([{ rows: 50, ids: (50 * 51) / 2 }]);
  });

  it('refuses a resource that is not part of the fact table, loading nothing', async () => {
    const name = `mixed-${randomBytes(3).toString('hex')}`;
    const url = await uploadPackage(token, owner, name, twoResources(name, csvRows(1, 5), Buffer.from('code,title\nA,Alpha\n'), [{ name: 'code', type: 'string' }, { name: 'title', type: 'string' }]));
    await startLoad(token, url);
    const { last } = await follow(url);
    expect(last).toMatchObject({ status: 'fail', error: expect.stringContaining('resources[1] "part-b": its fields differ from resources[0]\'s') });
  });

  it('a failed re-load changes nothing: tables, registry count and dataset row stay as they were', async () => {
    const name = `atomic-${randomBytes(3).toString('hex')}`;
    const url = await uploadPackage(token, owner, name, twoResources(name, csvRows(1, 10), csvRows(11, 20)));
    await startLoad(token, url);
    const first = await follow(url);
    expect(first.last).toMatchObject({ status: 'done', progress: 20 });
    const datasetId = String(first.last.dataset_id);
    // New valid rows for the first resource, a bad value in the second.
    await uploadPackage(token, owner, name, twoResources(name, csvRows(1, 40), Buffer.from('id,label,amount\n1,x,lots\n')));
    await startLoad(token, url);
    const second = await follow(url);
    expect(second.last).toMatchObject({ status: 'fail', error: expect.stringContaining('"lots" is not a number') });
    expect(await countRows(factTableFor(datasetId))).toBe(20);
    expect(await sql("select table_name from information_schema.tables where table_name like '%\\_\\_loading'")).toEqual([]);
    const document = ((await gateway(`/search/package?id=${encodeURIComponent(JSON.stringify(datasetId))}`, { headers: { authorization: `Bearer ${token}` } })).json as { package: { count_of_rows: number } }[])[0];
    expect(document?.package.count_of_rows).toBe(20);
  });

  it('fails the workflow of a failed load, so the Temporal UI shows it failed', async () => {
    const name = `failing-${randomBytes(3).toString('hex')}`;
    const files = packageOf(name, 10);
    files['data.csv'] = Buffer.from('id,label,amount\n1,a,not-a-number\n');
    const url = await uploadPackage(token, owner, name, files);
    await startLoad(token, url);
    const { last } = await follow(url);
    expect(last).toMatchObject({ status: 'fail', error: expect.stringContaining('is not a number') });
    expect((last.steps as { status: string }[]).at(-1)?.status).toBe('fail');
    const handle = temporal.workflow.getHandle(loadWorkflowIdFor(`${owner}:${name}`));
    // `fail` is recorded just before the run fails: wait for the run to end (a describe right away can still say RUNNING).
    await handle.result().catch(() => undefined);
    expect((await handle.describe()).status.name).toBe('FAILED');
    await recordHistory(handle, 'load-bad-value');
  });
});
