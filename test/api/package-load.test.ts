/**
 * Loading a Fiscal Data Package end to end through Envoy: upload its files
 * to the datastore, POST /package/upload, follow /package/status to done,
 * then check the rows in PostgreSQL, the registry document and the dataset row.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSearchClient } from '../../src/adapters/elasticsearch/client.ts';
import { packageIndexAlias } from '../../src/adapters/elasticsearch/package-index.ts';
import { factTableFor } from '../../src/core/packages/table-names.ts';
import { loadStatuses } from '../../src/core/packages/load.types.ts';
import { logIn, uniqueUser } from '../support/login.ts';
import { testStack } from '../setup/test-stack.ts';
import { countRows, follow, sql, startLoad, uploadPackage } from '../support/packages.ts';
import { gateway } from './http.ts';

const fixtures = join(import.meta.dirname, '..', 'fixtures');
describe('loading a Fiscal Data Package', () => {
  let userToken: string;
  let owner: string;
  const descriptor = readFileSync(join(fixtures, 'fdp', 'al-treasury-spending', 'datapackage.json'));
  const csv = readFileSync(join(fixtures, 'fdp', 'al-treasury-spending', 'data', 'treasury.csv'));
  beforeAll(async () => {
    const user = uniqueUser();
    userToken = await logIn('google', user);
    owner = createHash('md5').update(user.email).digest('hex');
  });

  it('goes queued → … → done; rows, registry document and dataset row are right', async () => {
    const name = `al-treasury-${randomBytes(2).toString('hex')}`;
    const url = await uploadPackage(userToken, owner, name, { 'datapackage.json': descriptor, 'data/treasury.csv': csv });
    const started = await startLoad(userToken, url);
    expect(started.status).toBe(200);
    expect(started.json).toMatchObject({ status: expect.any(String) });
    const { seen, last } = await follow(url);
    expect(last).toMatchObject({ status: 'done', progress: 40, dataset_id: `${owner}:${name}` });
    expect(seen.at(-1)).toBe('done');
    // Whatever the polling caught, it came in the documented order.
    const order = seen.map((status) => (loadStatuses as readonly string[]).indexOf(status));
    expect(order.every((position, i) => position >= 0 && (i === 0 || position > (order[i - 1] ?? -1)))).toBe(true);
    const datasetId = String(last.dataset_id);
    expect(await countRows(factTableFor(datasetId))).toBe(40);

    const es = createSearchClient({ url: testStack().elasticsearchUrl });
    const document = await es.get<Record<string, unknown>>({ index: packageIndexAlias('conductor'), id: datasetId });
    await es.close();
    expect(document._source).toMatchObject({
      id: datasetId,
      origin_url: url,
      loaded: true,
      package: { owner, private: true, name: 'al-treasury-spending', count_of_rows: 40 },
      model: { fact_table: factTableFor(datasetId), measures: { amount: { currency: 'ALL', column: 'c_value' } } },
    });
    // Private until published: the owner finds it, anonymous search does not.
    const mine = (await gateway(`/search/package?id=${encodeURIComponent(JSON.stringify(datasetId))}`, { headers: { authorization: `Bearer ${userToken}` } })).json as unknown[];
    expect(mine).toHaveLength(1);
    expect((await gateway(`/search/package?id=${encodeURIComponent(JSON.stringify(datasetId))}`)).json).toEqual([]);

    // Loading again replaces the rows, never doubles them.
    await startLoad(userToken, url);
    const again = await follow(url);
    expect(again.last).toMatchObject({ status: 'done', progress: 40 });
    expect(await countRows(factTableFor(datasetId))).toBe(40);
  });

  it('fails with a clear error for a bad value, leaving nothing half-loaded', async () => {
    const name = `al-bad-${randomBytes(2).toString('hex')}`;
    const lines = csv.toString().split('\n');
    lines[3] = lines[3]?.replace(/,(\d+),2014-/, ',lots,2014-') ?? '';
    const url = await uploadPackage(userToken, owner, name, { 'datapackage.json': descriptor, 'data/treasury.csv': Buffer.from(lines.join('\n')) });
    await startLoad(userToken, url);
    const { last } = await follow(url);
    // Value is the measure: loaded as numeric, so the message says number.
    expect(last).toMatchObject({ status: 'fail', error: expect.stringMatching(/row 3, column "Value": "lots" is not a number/) });
  });

  it('fails with a clear error for an invalid fiscal model', async () => {
    const name = `al-model-${randomBytes(2).toString('hex')}`;
    const broken = JSON.parse(descriptor.toString());
    broken.mapping.measures.amount.source = 'No such column';
    const url = await uploadPackage(userToken, owner, name, { 'datapackage.json': Buffer.from(JSON.stringify(broken)), 'data/treasury.csv': csv });
    await startLoad(userToken, url);
    const { last } = await follow(url);
    expect(last).toMatchObject({ status: 'fail', error: expect.stringMatching(/model\.measures\.amount\.source "No such column" is not a field/) });
  });

  it('fails a re-load with a clear error, leaving the loaded data untouched: bad value, missing resource, internal address', async () => {
    const name = `al-keep-${randomBytes(2).toString('hex')}`;
    const url = await uploadPackage(userToken, owner, name, { 'datapackage.json': descriptor, 'data/treasury.csv': csv });
    await startLoad(userToken, url);
    const first = await follow(url);
    expect(first.last).toMatchObject({ status: 'done', progress: 40 });
    const datasetId = String(first.last.dataset_id);
    const reload = async (files: Record<string, Buffer>) => {
      expect(await uploadPackage(userToken, owner, name, files)).toBe(url);
      await startLoad(userToken, url);
      return (await follow(url)).last;
    };
    const withPath = (path: string) => {
      const changed = JSON.parse(descriptor.toString());
      changed.resources[0].path = path;
      return Buffer.from(JSON.stringify(changed));
    };
    const lines = csv.toString().split('\n');
    lines[7] = lines[7]?.replace(/,(\d+),2014-/, ',7.5.1,2014-') ?? '';
    expect(await reload({ 'datapackage.json': descriptor, 'data/treasury.csv': Buffer.from(lines.join('\n')) })).toMatchObject({
      status: 'fail',
      error: expect.stringMatching(/row 7, column "Value": "7\.5\.1" is not a number/),
    });
    expect(await reload({ 'datapackage.json': withPath('data/missing.csv') })).toMatchObject({ status: 'fail', error: expect.stringMatching(/data\/missing\.csv is not in the datastore/) });
    // localhost is an allowed host in the test stack, but it resolves to loopback: refused when connecting (the gateway listens there).
    expect(await reload({ 'datapackage.json': withPath(`http://localhost:${new URL(testStack().gateway).port}/treasury.csv`) })).toMatchObject({
      status: 'fail',
      error: expect.stringMatching(/localhost resolves to an internal address; only public hosts are fetched$/),
    });
    expect(await reload({ 'datapackage.json': withPath('http://elsewhere.example/treasury.csv') })).toMatchObject({ status: 'fail', error: expect.stringMatching(/host not allowed: elsewhere\.example/) });
    expect(await countRows(factTableFor(datasetId))).toBe(40);
    expect(await sql("select table_name from information_schema.tables where table_name like '%\\_\\_loading'")).toEqual([]);
    const es = createSearchClient({ url: testStack().elasticsearchUrl });
    const document = await es.get<{ package: { count_of_rows: number } }>({ index: packageIndexAlias('conductor'), id: datasetId });
    await es.close();
    expect(document._source?.package.count_of_rows).toBe(40);
  });

  it('fails a descriptor from an allowed host that resolves to an internal address', async () => {
    // The gateway itself listens there: a live internal service, still out of reach.
    const url = `http://localhost:${new URL(testStack().gateway).port}/some/datapackage.json`;
    expect((await startLoad(userToken, url)).status).toBe(200);
    expect((await follow(url)).last).toMatchObject({ status: 'fail', error: expect.stringMatching(/^localhost resolves to an internal address; only public hosts are fetched$/) });
  });

  it('refuses bad uploads: no URL or a private address (400), no token (401), another user’s folder (403); unknown status (404)', async () => {
    const upload = (query: string, headers: Record<string, string> = { authorization: `Bearer ${userToken}` }) => gateway(`/package/upload?${query}`, { method: 'POST', headers });
    expect((await upload('')).status).toBe(400);
    expect((await upload(`datapackage=${encodeURIComponent('http://127.0.0.1:5432/datapackage.json')}`)).status).toBe(400);
    expect((await upload(`datapackage=${encodeURIComponent('http://169.254.169.254/latest/meta-data')}`)).status).toBe(400);
    const someoneElses = `${testStack().s3Endpoint}/${testStack().s3Bucket}/${'e'.repeat(32)}/pkg/datapackage.json`;
    expect((await upload(`datapackage=${encodeURIComponent(someoneElses)}`)).status).toBe(403);
    expect((await upload(`datapackage=${encodeURIComponent(someoneElses)}`, {})).status).toBe(401);
    expect((await gateway('/package/status')).status).toBe(400);
    expect((await gateway(`/package/status?datapackage=${encodeURIComponent('http://nowhere.example/datapackage.json')}`)).status).toBe(404);
  });
});
