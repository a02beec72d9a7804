/**
 * Loading a Fiscal Data Package end to end through Envoy: upload its files
 * to the datastore, POST /package/upload, follow /package/status to done,
 * then check the rows in PostgreSQL, the registry document and the dataset row.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSearchClient } from '../../src/adapters/elasticsearch/client.ts';
import { packageIndexAlias } from '../../src/adapters/elasticsearch/package-index.ts';
import { tableNameFor } from '../../src/core/packages/table-names.ts';
import { loadStatuses } from '../../workflows/shared.ts';
import { logIn, uniqueUser } from '../support/login.ts';
import { testStack } from '../setup/test-stack.ts';
import { gateway } from './http.ts';

const fixtures = join(import.meta.dirname, '..', 'fixtures');
const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('base64');

interface Signed {
  upload_url: string;
  upload_query: Record<string, string[]>;
}

/** Uploads files through the Datastore service; answers the descriptor's URL. */
async function uploadPackage(userToken: string, owner: string, name: string, files: Record<string, Buffer>): Promise<string> {
  const { token } = (await gateway('/user/authorize?service=os.datastore', { headers: { authorization: `Bearer ${userToken}` } })).json as { token: string };
  const filedata = Object.fromEntries(Object.entries(files).map(([path, bytes]) => [path, { length: bytes.length, md5: md5(bytes) }]));
  const reply = await gateway('/datastore/authorize', { method: 'POST', body: JSON.stringify({ metadata: { owner, name }, filedata }), headers: { authorization: `Bearer ${token}` } });
  const signed = (reply.json as { filedata: Record<string, Signed> }).filedata;
  for (const [path, bytes] of Object.entries(files)) {
    const file = signed[path] as Signed;
    const url = new URL(file.upload_url);
    for (const [key, values] of Object.entries(file.upload_query)) for (const value of values) url.searchParams.append(key, value);
    const put = await fetch(url, { method: 'PUT', body: bytes, headers: { 'content-md5': md5(bytes) } });
    expect(put.status, path).toBe(200);
  }
  return (signed['datapackage.json'] as Signed).upload_url;
}

/** Polls /package/status until the load ends; answers the statuses seen and the last answer. */
async function follow(url: string): Promise<{ seen: string[]; last: Record<string, unknown> }> {
  const seen: string[] = [];
  for (let i = 0; i < 300; i++) {
    const reply = await gateway(`/package/status?datapackage=${encodeURIComponent(url)}`);
    const body = reply.json as Record<string, unknown>;
    if (seen.at(-1) !== body.status) seen.push(String(body.status));
    if (body.status === 'done' || body.status === 'fail') return { seen, last: body };
    await sleep(100);
  }
  throw new Error(`the load did not end: ${seen.join(' → ')}`);
}

async function count(table: string): Promise<number> {
  const client = new pg.Client({ connectionString: testStack().databaseUrl });
  await client.connect();
  try {
    const result = await client.query(`select count(*)::int as n from "${table}"`);
    return result.rows[0].n as number;
  } finally {
    await client.end();
  }
}

describe('loading a Fiscal Data Package', () => {
  let userToken: string;
  let owner: string;
  const descriptor = readFileSync(join(fixtures, 'fdp', 'al-treasury-spending.json'));
  const csv = readFileSync(join(fixtures, 'fdp-data', 'al-treasury-spending.csv'));
  beforeAll(async () => {
    const user = uniqueUser();
    userToken = await logIn('google', user);
    owner = createHash('md5').update(user.email).digest('hex');
  });

  it('goes queued → … → done; rows, registry document and dataset row are right', async () => {
    const name = `al-treasury-${randomBytes(2).toString('hex')}`;
    const url = await uploadPackage(userToken, owner, name, { 'datapackage.json': descriptor, 'data/treasury.csv': csv });
    const started = await gateway(`/package/upload?datapackage=${encodeURIComponent(url)}`, { method: 'POST', headers: { authorization: `Bearer ${userToken}` } });
    expect(started.status).toBe(200);
    expect(started.json).toMatchObject({ status: expect.any(String) });
    const { seen, last } = await follow(url);
    expect(last).toMatchObject({ status: 'done', progress: 40, dataset_id: `${owner}:${name.replace(/-/g, '_')}` });
    expect(seen.at(-1)).toBe('done');
    // Whatever the polling caught, it came in the documented order.
    const order = seen.map((status) => (loadStatuses as readonly string[]).indexOf(status));
    expect(order.every((position, i) => position >= 0 && (i === 0 || position > (order[i - 1] ?? -1)))).toBe(true);
    const datasetId = String(last.dataset_id);
    expect(await count(tableNameFor(datasetId, 0))).toBe(40);

    const es = createSearchClient({ url: testStack().elasticsearchUrl });
    const document = await es.get<Record<string, unknown>>({ index: packageIndexAlias('conductor'), id: datasetId });
    await es.close();
    expect(document._source).toMatchObject({
      id: datasetId,
      origin_url: url,
      loaded: true,
      package: { owner, private: true, name: 'al-treasury-spending', count_of_rows: 40 },
      model: { fact_table: tableNameFor(datasetId, 0), measures: { amount: { currency: 'ALL', column: 'c_value' } } },
    });
    // Private until published: the owner finds it, anonymous search does not.
    const mine = (await gateway(`/search/package?id=${encodeURIComponent(JSON.stringify(datasetId))}`, { headers: { authorization: `Bearer ${userToken}` } })).json as unknown[];
    expect(mine).toHaveLength(1);
    expect((await gateway(`/search/package?id=${encodeURIComponent(JSON.stringify(datasetId))}`)).json).toEqual([]);

    // Loading again replaces the rows, never doubles them.
    await gateway(`/package/upload?datapackage=${encodeURIComponent(url)}`, { method: 'POST', headers: { authorization: `Bearer ${userToken}` } });
    const again = await follow(url);
    expect(again.last).toMatchObject({ status: 'done', progress: 40 });
    expect(await count(tableNameFor(datasetId, 0))).toBe(40);
  });

  it('fails with a clear error for a bad value, leaving nothing half-loaded', async () => {
    const name = `al-bad-${randomBytes(2).toString('hex')}`;
    const lines = csv.toString().split('\n');
    lines[3] = lines[3]?.replace(/,(\d+),2014-/, ',lots,2014-') ?? '';
    const url = await uploadPackage(userToken, owner, name, { 'datapackage.json': descriptor, 'data/treasury.csv': Buffer.from(lines.join('\n')) });
    await gateway(`/package/upload?datapackage=${encodeURIComponent(url)}`, { method: 'POST', headers: { authorization: `Bearer ${userToken}` } });
    const { last } = await follow(url);
    expect(last).toMatchObject({ status: 'fail', error: expect.stringMatching(/row 3, column "Value": "lots" is not an integer/) });
  });

  it('fails with a clear error for an invalid fiscal model', async () => {
    const name = `al-model-${randomBytes(2).toString('hex')}`;
    const broken = JSON.parse(descriptor.toString());
    broken.mapping.measures.amount.source = 'No such column';
    const url = await uploadPackage(userToken, owner, name, { 'datapackage.json': Buffer.from(JSON.stringify(broken)), 'data/treasury.csv': csv });
    await gateway(`/package/upload?datapackage=${encodeURIComponent(url)}`, { method: 'POST', headers: { authorization: `Bearer ${userToken}` } });
    const { last } = await follow(url);
    expect(last).toMatchObject({ status: 'fail', error: expect.stringMatching(/model\.measures\.amount\.source "No such column" is not a field/) });
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
