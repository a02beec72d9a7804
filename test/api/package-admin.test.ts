/** publish / delete / update_params / stats through Envoy, on registry documents and tables the test creates itself. */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSearchClient } from '../../src/adapters/elasticsearch/client.ts';
import { packageIndexAlias } from '../../src/adapters/elasticsearch/package-index.ts';
import { PostgresTableLoader } from '../../src/adapters/postgres/table-loader.adapter.ts';
import { columnsFor } from '../../src/core/packages/column-names.ts';
import { defaultCsvDialect } from '../../src/core/packages/csv-dialect.ts';
import { createOrm, type Orm } from '../../src/adapters/postgres/orm.ts';
import { factTableFor, tableNameFor, tablePrefixFor } from '../../src/core/packages/table-names.ts';
import { logIn, uniqueUser } from '../support/login.ts';
import { testStack } from '../setup/test-stack.ts';
import { gateway } from './http.ts';

const es = () => createSearchClient({ url: testStack().elasticsearchUrl });
const alias = packageIndexAlias('conductor');

async function indexPackage(id: string, fields: Record<string, unknown> = {}) {
  const client = es();
  await client.index({ index: alias, id, refresh: true, document: { id, loaded: true, package: { owner: id.split(':')[0], title: id, ...fields } } });
  await client.close();
}
async function registryDocument(id: string) {
  const client = es();
  const found = await client.get<{ package: Record<string, unknown> }>({ index: alias, id }, { ignore: [404] });
  await client.close();
  return found.found ? found._source : undefined;
}

describe('package administration', () => {
  let owner: string;
  let token: string;
  let otherToken: string;
  let orm: Orm;
  const auth = () => ({ authorization: `Bearer ${token}` });
  beforeAll(async () => {
    const user = uniqueUser();
    token = await logIn('google', user);
    owner = createHash('md5').update(user.email).digest('hex');
    otherToken = await logIn('google', uniqueUser());
    orm = await createOrm({ url: testStack().databaseUrl, poolMax: 2 });
  });
  afterAll(async () => orm?.close());

  it('publishes, unpublishes and toggles with the reference’s semantics', async () => {
    const id = `${owner}:budget-${randomBytes(3).toString('hex')}`;
    await indexPackage(id);
    const publish = async (value: string) => (await gateway(`/package/publish?id=${encodeURIComponent(id)}&publish=${value}`, { method: 'POST', headers: auth() })).json;
    expect(await publish('toggle')).toEqual({ success: true, published: false });
    expect(await publish('toggle')).toEqual({ success: true, published: true });
    expect(await publish('TRUE')).toEqual({ success: true, published: true });
    expect(await publish('toggle')).toEqual({ success: true, published: false });
    expect(await publish('true')).toEqual({ success: true, published: true });
    expect(await publish('false')).toEqual({ success: true, published: false });
    expect((await registryDocument(id))?.package.private).toBe(true);
  });

  it('answers a former dataset id (from before ids followed the reference) for publish, update_params and delete', async () => {
    const id = `${owner}:renamed-${randomBytes(3).toString('hex')}`;
    const formerId = id.replaceAll('-', '_');
    await indexPackage(id);
    await orm.em.getConnection().execute('insert into dataset_id_aliases (old_id, new_id) values (?, ?)', [formerId, id]);
    const call = (path: string, body?: unknown) => gateway(path, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    expect((await call(`/package/publish?id=${encodeURIComponent(formerId)}&publish=false`)).json).toEqual({ success: true, published: false });
    expect((await registryDocument(id))?.package.private).toBe(true);
    expect((await call(`/package/update_params?id=${encodeURIComponent(formerId)}`, { params: 'x=1' })).json).toEqual({ success: true });
    expect((await registryDocument(id))?.package.defaultParams).toEqual({ params: 'x=1' });
    // Another user's token still gets no further through the alias.
    expect((await gateway(`/package/publish?id=${encodeURIComponent(formerId)}&publish=true`, { method: 'POST', headers: { authorization: `Bearer ${otherToken}` } })).status).toBe(403);
    expect((await call(`/package/delete?id=${encodeURIComponent(formerId)}`)).json).toEqual({ success: true });
    expect(await registryDocument(id)).toBeUndefined();
  });

  it("accepts os-admin's requests: the os.datastore permission token as jwt, for publish, update_params and delete", async () => {
    const id = `${owner}:os-admin-${randomBytes(3).toString('hex')}`;
    await indexPackage(id);
    const permission = async (userToken: string, service = 'os.datastore') =>
      ((await gateway(`/user/authorize?service=${service}`, { headers: { authorization: `Bearer ${userToken}` } })).json as { token: string }).token;
    const ownerPermission = await permission(token);
    const publish = await gateway(`/package/publish?id=${encodeURIComponent(id)}&publish=true&jwt=${ownerPermission}`, { method: 'POST' });
    expect(publish.json).toEqual({ success: true, published: true });
    const params = await gateway(`/package/update_params?id=${encodeURIComponent(id)}&jwt=${ownerPermission}`, { method: 'POST', body: JSON.stringify({ params: 'drilldown=year' }), headers: { 'content-type': 'application/json' } });
    expect(params.json).toEqual({ success: true });
    // Another user's permission token, or one for another service, is refused.
    expect((await gateway(`/package/publish?id=${encodeURIComponent(id)}&publish=false&jwt=${await permission(otherToken)}`, { method: 'POST' })).status).toBe(403);
    expect((await gateway(`/package/publish?id=${encodeURIComponent(id)}&publish=false&jwt=${await permission(token, 'os.other')}`, { method: 'POST' })).status).toBe(403);
    expect((await registryDocument(id))?.package.private).toBe(false);
    expect((await gateway(`/package/delete?id=${encodeURIComponent(id)}&jwt=${ownerPermission}`, { method: 'POST' })).json).toEqual({ success: true });
    expect(await registryDocument(id)).toBeUndefined();
  });

  it('refuses a bad publish value (400), another user (403), an unknown id (404), no token (401)', async () => {
    const id = `${owner}:guarded-${randomBytes(3).toString('hex')}`;
    await indexPackage(id);
    expect((await gateway(`/package/publish?id=${encodeURIComponent(id)}&publish=maybe`, { method: 'POST', headers: auth() })).status).toBe(400);
    expect((await gateway(`/package/publish?id=${encodeURIComponent(id)}&publish=true`, { method: 'POST', headers: { authorization: `Bearer ${otherToken}` } })).status).toBe(403);
    expect((await gateway(`/package/publish?id=${encodeURIComponent(`${owner}:nope`)}&publish=true`, { method: 'POST', headers: auth() })).status).toBe(404);
    expect((await gateway(`/package/publish?id=${encodeURIComponent(id)}&publish=true`, { method: 'POST' })).status).toBe(401);
    expect((await registryDocument(id))?.package.private).toBeUndefined();
  });

  it('deletes the registry document, the loaded tables and the dataset row, for the owner only', async () => {
    const id = `${owner}:to-delete-${randomBytes(3).toString('hex')}`;
    await indexPackage(id);
    const table = factTableFor(id);
    const target = { prefix: tablePrefixFor(id), table, checkpointKey: tableNameFor(id, 0), columns: columnsFor([{ name: 'a', type: 'integer' }]), dialect: defaultCsvDialect };
    await new PostgresTableLoader(orm).load({ ...target, loadId: 'first' }, () => ['a\n1\n2\n'], () => undefined);
    await new PostgresTableLoader(orm).publish({ loadId: 'first', prefix: tablePrefixFor(id), table, dataset: { id, owner, title: 't', description: null, stage: 'download', published: false, files: [] } });
    // An interrupted re-load leaves rows aside and a checkpoint: delete removes those too.
    await expect(new PostgresTableLoader(orm, 1).load({ ...target, loadId: 'second' }, () => (async function* () {
      yield 'a\n1\n2\n';
      throw new Error('worker lost');
    })(), () => undefined)).rejects.toThrow(/worker lost/);
    expect(await orm.em.getConnection().execute('select id from datasets where id = ?', [id])).toEqual([{ id }]);
    expect((await gateway(`/package/delete?id=${encodeURIComponent(id)}`, { method: 'POST', headers: { authorization: `Bearer ${otherToken}` } })).status).toBe(403);
    expect(await registryDocument(id)).toBeDefined();
    expect((await gateway(`/package/delete?id=${encodeURIComponent(id)}`, { method: 'POST', headers: auth() })).json).toEqual({ success: true });
    expect(await registryDocument(id)).toBeUndefined();
    const tables = await orm.em.getConnection().execute('select table_name from information_schema.tables where table_name in (?, ?)', [table, `${table}__loading`]);
    expect(tables).toEqual([]);
    expect(await orm.em.getConnection().execute('select table_name from package_load_checkpoints where table_name = ?', [target.checkpointKey])).toEqual([]);
    expect(await orm.em.getConnection().execute('select id from datasets where id = ?', [id])).toEqual([]);
    expect((await gateway(`/package/delete?id=${encodeURIComponent(id)}`, { method: 'POST', headers: auth() })).status).toBe(404);
  });

  it('stores the whole update_params body as package.defaultParams, and refuses bad bodies', async () => {
    const id = `${owner}:params-${randomBytes(3).toString('hex')}`;
    await indexPackage(id);
    const post = (body: string, headers = auth()) => gateway(`/package/update_params?id=${encodeURIComponent(id)}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
    expect((await post(JSON.stringify({ params: 'drilldown=year', visualizations: ['treemap'] }))).json).toEqual({ success: true });
    expect((await registryDocument(id))?.package.defaultParams).toEqual({ params: 'drilldown=year', visualizations: ['treemap'] });
    expect((await post(JSON.stringify({ visualizations: [] }))).status).toBe(400);
    expect((await post(JSON.stringify({ params: 42 }))).status).toBe(400);
    expect((await post('[1,2]')).status).toBe(400);
    expect((await post(JSON.stringify({ params: 'x' }), { authorization: `Bearer ${otherToken}` })).status).toBe(403);
    expect((await registryDocument(id))?.package.defaultParams).toEqual({ params: 'drilldown=year', visualizations: ['treemap'] });
  });

  it('counts packages, records and distinct countries over the registry', async () => {
    const before = (await gateway('/package/stats')).json as { num_packages: number; num_records: number; num_countries: number };
    const tag = randomBytes(2).toString('hex').toUpperCase();
    await indexPackage(`${owner}:stats-a-${tag}`, { count_of_rows: 100, countryCode: `X${tag}` });
    await indexPackage(`${owner}:stats-b-${tag}`, { count_of_rows: 23, countryCode: `X${tag}` });
    await indexPackage(`${owner}:stats-c-${tag}`, { count_of_rows: 7, countryCode: `Y${tag}` });
    const after = (await gateway('/package/stats')).json as typeof before;
    expect(after.num_packages - (before.num_packages ?? 0)).toBe(3);
    expect(after.num_records - (before.num_records ?? 0)).toBe(130);
    expect(after.num_countries - (before.num_countries ?? 0)).toBe(2);
  });
});
