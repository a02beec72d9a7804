import { errors, type Client } from '@elastic/elasticsearch';
import type { PackageQuery, PackageSearch } from '../../ports/package-search.js';
import { SearchUnavailableError } from '../../ports/package-search.js';
import { packageIndexAlias } from './package-index.js';

/** Fields the full-text query runs over (as the reference). */
const fullTextFields = ['package.title', 'package.author', 'package.owner', 'package.description', 'package.regionCode', 'package.countryCode.text', 'package.cityCode'];

const sourceFields = ['id', 'model', 'package', 'origin_url', 'loaded', 'last_update'];

/** Package search on Elasticsearch; user text only ever goes into match queries as data. */
export class ElasticsearchPackageSearch implements PackageSearch {
  constructor(
    private readonly client: Client,
    private readonly indexPrefix: string,
  ) {}

  async search(query: PackageQuery): Promise<Record<string, unknown>[]> {
    // Visible: public and loaded (a missing flag counts as public/loaded, as in the reference), or the viewer's own.
    const visible: object[] = [{ bool: { must_not: [{ term: { 'package.private': true } }, { term: { loaded: false } }] } }];
    if (query.viewer) visible.push({ term: { 'package.owner': query.viewer } });
    const must: object[] = query.filters.map(({ field, values }) => ({
      bool: { should: values.map((value) => ({ match: { [field]: { query: value, lenient: true } } })), minimum_should_match: 1 },
    }));
    if (query.text !== undefined) must.push({ multi_match: { query: query.text, fields: fullTextFields, lenient: true } });
    try {
      const result = await this.client.search({
        index: packageIndexAlias(this.indexPrefix),
        size: query.size,
        _source: sourceFields,
        query: { bool: { must, should: visible, minimum_should_match: 1 } },
        sort: [{ _score: { order: 'desc' } }, { last_update: { order: 'desc', unmapped_type: 'date' } }],
        track_total_hits: false,
      });
      return result.hits.hits.map((hit) => (hit._source ?? {}) as Record<string, unknown>);
    } catch (error) {
      if (error instanceof errors.ConnectionError || error instanceof errors.TimeoutError || error instanceof errors.NoLivingConnectionsError) {
        throw new SearchUnavailableError(error.message);
      }
      if (error instanceof errors.ResponseError && (error.statusCode === 503 || error.statusCode === 404 || error.statusCode === 429)) {
        throw new SearchUnavailableError(`Elasticsearch answered ${error.statusCode}`);
      }
      throw error;
    }
  }
}
