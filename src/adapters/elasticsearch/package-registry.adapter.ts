import { errors, type Client } from '@elastic/elasticsearch';
import type { PackageRegistry, RegistryDocument, RegistryStats } from '../../ports/package-registry.js';
import { SearchUnavailableError } from '../../ports/package-search.js';
import { packageIndexAlias } from './package-index.js';

/** Registry documents in Elasticsearch, through the index alias. */
export class ElasticsearchPackageRegistry implements PackageRegistry {
  constructor(
    private readonly client: Client,
    private readonly indexPrefix: string,
  ) {}

  private get index() {
    return packageIndexAlias(this.indexPrefix);
  }

  async get(id: string): Promise<RegistryDocument | null> {
    return this.call(async () => {
      const found = await this.client.get<RegistryDocument>({ index: this.index, id }, { ignore: [404] });
      return found.found && found._source ? found._source : null;
    });
  }

  async save(document: RegistryDocument): Promise<void> {
    // An explicit refresh rather than waiting up to a second for the next one: loads are rare, and the
    // package should be searchable the moment its load says done.
    await this.call(() => this.client.index({ index: this.index, id: document.id, document, refresh: true }));
  }

  async updatePackage(id: string, fields: Record<string, unknown>): Promise<void> {
    await this.call(() => this.client.update({ index: this.index, id, doc: { package: fields }, refresh: 'wait_for' }));
  }

  async delete(id: string): Promise<void> {
    await this.call(() => this.client.delete({ index: this.index, id, refresh: 'wait_for' }, { ignore: [404] }));
  }

  async stats(): Promise<RegistryStats> {
    return this.call(async () => {
      const result = await this.client.search({
        index: this.index,
        size: 0,
        track_total_hits: true,
        aggs: { records: { sum: { field: 'package.count_of_rows' } }, countries: { cardinality: { field: 'package.countryCode' } } },
      });
      const total = typeof result.hits.total === 'number' ? result.hits.total : (result.hits.total?.value ?? 0);
      const aggregations = result.aggregations as { records?: { value: number | null }; countries?: { value: number } } | undefined;
      return { packages: total, records: aggregations?.records?.value ?? 0, countries: aggregations?.countries?.value ?? 0 };
    });
  }

  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof errors.ConnectionError || error instanceof errors.TimeoutError || error instanceof errors.NoLivingConnectionsError) {
        throw new SearchUnavailableError(error.message);
      }
      throw error;
    }
  }
}
