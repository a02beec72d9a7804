import { Client } from '@elastic/elasticsearch';
import type { SearchConfig } from '../../config/search.config.js';

export type SearchClient = Client;

/** The Elasticsearch client for the package registry. */
export function createSearchClient(config: Pick<SearchConfig, 'url'>): SearchClient {
  return new Client({ node: config.url, requestTimeout: 30_000, maxRetries: 2 });
}
