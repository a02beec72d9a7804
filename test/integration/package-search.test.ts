/** The search adapter and service when Elasticsearch cannot be reached: a 503-kind error, never a silent []. */
import { describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/stack/ports.ts';
import { createSearchClient } from '../../src/adapters/elasticsearch/client.ts';
import { filterableFields } from '../../src/adapters/elasticsearch/package-index.ts';
import { ElasticsearchPackageSearch } from '../../src/adapters/elasticsearch/package-search.adapter.ts';
import { SearchService } from '../../src/core/search/search.service.ts';
import { toServiceError } from '../../src/rpc/status.mapper.ts';

describe('search with Elasticsearch down', () => {
  it('fails as unavailable (gRPC UNAVAILABLE, HTTP 503)', async () => {
    // A real client against a port nothing listens on: the connection is refused.
    const client = createSearchClient({ url: `http://127.0.0.1:${await freePort()}` });
    const service = new SearchService(new ElasticsearchPackageSearch(client, 'conductor'), { defaultSize: 100, maxSize: 1000, filterableFields });
    const error = await service.find({ kind: 'package', filters: [] }, undefined).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'unavailable', message: 'Search is unavailable; try again later' });
    expect(toServiceError(error).code).toBe(14);
    await client.close();
  });
});
