/** The Elasticsearch client against the real server, in an index of this test's own. */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createSearchClient } from '../../src/adapters/elasticsearch/client.ts';
import { testStack } from '../setup/test-stack.ts';

describe('Elasticsearch', () => {
  const client = createSearchClient({ url: testStack().elasticsearchUrl });
  const index = `test-wiring-${randomBytes(4).toString('hex')}`;
  afterAll(async () => {
    await client.indices.delete({ index, ignore_unavailable: true });
    await client.close();
  });

  it('indexes a document and finds it by full text and by keyword', async () => {
    await client.indices.create({
      index,
      mappings: { properties: { title: { type: 'text' }, owner: { type: 'keyword' } } },
    });
    await client.index({ index, id: 'owner1:budget', document: { title: 'Municipal budget of Madrid', owner: 'owner1' }, refresh: true });
    const byText = await client.search({ index, query: { match: { title: 'madrid' } } });
    expect(byText.hits.hits.map((hit) => hit._id)).toEqual(['owner1:budget']);
    const byOwner = await client.search({ index, query: { term: { owner: 'owner2' } } });
    expect(byOwner.hits.hits).toEqual([]);
  });

  it('treats query syntax in user text as data when passed to match', async () => {
    const result = await client.search({ index, query: { match: { title: '*) OR owner:* "\\' } } });
    expect(result.hits.hits).toEqual([]);
  });
});
