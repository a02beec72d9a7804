/**
 * /search/package through Envoy against the real Elasticsearch. The
 * reference's own cases (spec/os-conductor.md), on realistic registry
 * documents: each group of cases indexes its own packages, tagged with a
 * regionCode of its own, and adds that filter so other tests' packages never
 * count.
 */
import { createHash, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSearchClient } from '../../src/adapters/elasticsearch/client.ts';
import { packageIndexAlias } from '../../src/adapters/elasticsearch/package-index.ts';
import { logIn, uniqueUser } from '../support/login.ts';
import { testStack } from '../setup/test-stack.ts';
import { gateway } from './http.ts';

const es = () => createSearchClient({ url: testStack().elasticsearchUrl });
const alias = packageIndexAlias('conductor');

async function index(documents: Record<string, unknown>[]): Promise<void> {
  const client = es();
  await client.bulk({ refresh: true, operations: documents.flatMap((document) => [{ index: { _index: alias, _id: String(document.id) } }, document]) });
  await client.close();
}

const q = (value: unknown) => encodeURIComponent(JSON.stringify(value));
type Result = { id: string; package: Record<string, unknown> };
async function search(query: string, headers: Record<string, string> = {}): Promise<Result[]> {
  const reply = await gateway(`/search/package?${query}`, { headers });
  expect(reply.status, `${query}: ${reply.text}`).toBe(200);
  return reply.json as Result[];
}

describe('the reference’s filter cases', () => {
  const region = `filters-${randomBytes(4).toString('hex')}`;
  const scope = `package.regionCode=${q(region)}`;
  beforeAll(async () => {
    await index(
      Array.from({ length: 10 }, (_, i) => ({
        id: `owner:${region}-${i}`,
        origin_url: `http://example.test/${i}/datapackage.json`,
        loaded: true,
        last_update: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
        model: { measures: {}, dimensions: {} },
        package: {
          name: `name${i}`,
          title: `This dataset is number${i}`,
          author: `The one and only author number${i + 1}`,
          owner: 'owner',
          regionCode: region,
          count_of_rows: i,
          cityCode: i < 7 ? 'inner' : 'outer',
          private: false,
        },
      })),
    );
  });

  it('answers the reference’s JSON array of {id, model, package, origin_url, loaded, last_update}', async () => {
    const results = await search(scope);
    expect(results).toHaveLength(10);
    expect(Object.keys(results[0] ?? {}).sort()).toEqual(['id', 'last_update', 'loaded', 'model', 'origin_url', 'package']);
  });

  it('filters on one field (name7 → 1), a number (count_of_rows 7 → 1), a boolean (loaded → 10), a nested code (inner → 7)', async () => {
    expect((await search(`${scope}&package.name=${q('name7')}`)).map((r) => r.id)).toEqual([`owner:${region}-7`]);
    expect(await search(`${scope}&package.count_of_rows=7`)).toHaveLength(1);
    expect(await search(`${scope}&loaded=true`)).toHaveLength(10);
    expect(await search(`${scope}&package.cityCode=${q('inner')}`)).toHaveLength(7);
  });

  it('ANDs different fields and ORs repeats of one field', async () => {
    expect(await search(`${scope}&package.name=${q('name7')}&package.count_of_rows=7`)).toHaveLength(1);
    expect(await search(`${scope}&package.name=${q('name7')}&package.count_of_rows=8`)).toHaveLength(0);
    expect(await search(`${scope}&package.name=${q('name7')}&package.name=${q('name8')}`)).toHaveLength(2);
  });

  it('runs q as full text: "author" 0 (author is a keyword), "writer" 0, "number1" 1, "dataset shataset" 10', async () => {
    expect(await search(`${scope}&q=${q('author')}`)).toHaveLength(0);
    expect(await search(`${scope}&q=${q('writer')}`)).toHaveLength(0);
    expect((await search(`${scope}&q=${q('number1')}`)).map((r) => r.id)).toEqual([`owner:${region}-1`]);
    expect(await search(`${scope}&q=${q('dataset shataset')}`)).toHaveLength(10);
  });

  it('orders equally relevant packages newest first, and honours size', async () => {
    const ids = (await search(`${scope}&size=3`)).map((r) => r.id);
    expect(ids).toEqual([`owner:${region}-9`, `owner:${region}-8`, `owner:${region}-7`]);
  });
});

describe('visibility: the 16-package privacy grid', () => {
  const region = `grid-${randomBytes(4).toString('hex')}`;
  const scope = `package.regionCode=${q(region)}`;
  let owner1: string;
  let owner1Token: string;
  beforeAll(async () => {
    const user = uniqueUser();
    owner1Token = await logIn('google', user);
    owner1 = createHash('md5').update(user.email).digest('hex');
    const owner2 = 'f'.repeat(32);
    const documents: Record<string, unknown>[] = [];
    for (const owner of [owner1, owner2])
      for (const isPrivate of [true, false])
        for (const loaded of [true, false])
          for (const animal of ['cat', 'dog'])
            documents.push({
              id: `${owner}:${region}-${isPrivate}-${loaded}-${animal}`,
              loaded,
              package: { title: `A ${animal} dataset`, owner, private: isPrivate, regionCode: region },
            });
    await index(documents);
  });

  it('shows anonymous callers the 4 public, loaded packages', async () => {
    const results = await search(scope);
    expect(results).toHaveLength(4);
    for (const result of results) expect(result.package).toMatchObject({ private: false });
  });

  it('shows a user all of their own 8 plus the other owner’s 2 public loaded ones', async () => {
    expect(await search(scope, { authorization: `Bearer ${owner1Token}` })).toHaveLength(10);
    expect(await search(`${scope}&jwt=${owner1Token}`)).toHaveLength(10);
  });

  it('combines visibility with q and filters: cat → 2, cat + owner1 → 1, cat as owner1 → 5', async () => {
    expect(await search(`${scope}&q=${q('cat')}`)).toHaveLength(2);
    expect(await search(`${scope}&q=${q('cat')}&package.owner=${q(owner1)}`)).toHaveLength(1);
    expect(await search(`${scope}&q=${q('cat')}`, { authorization: `Bearer ${owner1Token}` })).toHaveLength(5);
  });

  it('treats an invalid token as anonymous, never as an error', async () => {
    expect(await search(scope, { authorization: 'Bearer forged.token.value' })).toHaveLength(4);
  });
});

describe('errors and hostile input', () => {
  const expect400 = async (path: string, message: RegExp) => {
    const reply = await gateway(path);
    expect(reply.status, path).toBe(400);
    expect((reply.json as { message: string }).message, path).toMatch(message);
  };

  it('400 for an unknown kind', async () => {
    await expect400('/search/user', /Unknown search kind/);
    await expect400('/search/box', /Unknown search kind/);
  });

  it('400 for a value that is not JSON, or not a scalar', async () => {
    await expect400('/search/package?q=cat', /q must be a JSON value/);
    await expect400('/search/package?package.title=cat', /must be a JSON value/);
    await expect400(`/search/package?q=${q({ $where: 'x' })}`, /JSON string, number or boolean/);
    await expect400(`/search/package?q=${encodeURIComponent('['.repeat(500))}`, /JSON value/);
    await expect400(`/search/package?package.count_of_rows=${q('many')}`, /takes a number/);
  });

  it('400 for a filter on a field that is not searchable', async () => {
    await expect400(`/search/package?model=${q('str7')}`, /Cannot filter on "model"/);
    await expect400(`/search/package?package.secret=${q('x')}`, /not a searchable field/);
    await expect400(`/search/package?${encodeURIComponent('package.owner.keyword')}=${q('x')}`, /not a searchable field/);
  });

  it('400 for a bad size; a size over the maximum is cut to it (os-admin asks 10000)', async () => {
    await expect400('/search/package?size=-1', /size must be a whole number/);
    await expect400('/search/package?size=ten', /size must be a whole number/);
    for (const size of ['10000', '1000001']) {
      const reply = await gateway(`/search/package?size=${size}`);
      expect(reply.status, size).toBe(200);
      expect(Array.isArray(reply.json), size).toBe(true);
    }
  });

  it("ignores jQuery's cache-busting _ parameter, as os-admin sends it", async () => {
    const reply = await gateway(`/search/package?size=10000&_=${Date.now()}`);
    expect(reply.status).toBe(200);
    expect(Array.isArray(reply.json)).toBe(true);
  });

  it('400 for thousands of parameters, not a 500', async () => {
    const many = Array.from({ length: 2000 }, (_, i) => `package.name=${q(`n${i}`)}`).join('&');
    const reply = await gateway(`/search/package?${many}`);
    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({ code: 3 });
  });

  it('passes query syntax as plain text: no error and no private package leaks', async () => {
    const region = `leak-${randomBytes(4).toString('hex')}`;
    await index([{ id: `x:${region}`, loaded: true, package: { title: 'secret budget', owner: 'e'.repeat(32), private: true, regionCode: region } }]);
    for (const text of ['*', 'secret OR private:true', '"secret', '\\', 'package.private:true', '*:*', '(secret) AND (budget)']) {
      const results = await search(`package.regionCode=${q(region)}&q=${q(text)}`);
      expect(results, text).toEqual([]);
    }
  });
});
