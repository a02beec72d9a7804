import type { Client } from '@elastic/elasticsearch';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { RegistryDocument } from '../../ports/package-registry.js';

/** The data migrations' shared reads: registry documents page by page, and whether a dataset is being loaded. */

const pageSize = 500;

/**
 * Every registry document matching `query`, in id order (search_after, so
 * the registry's size is no limit). `fields` limits what of each document is
 * read: a migration that looks at every document at each start fetches only
 * what it decides on, then the whole document of those it changes.
 */
export async function registryDocuments(search: Client, index: string, query: object, fields?: string[]): Promise<RegistryDocument[]> {
  const found: RegistryDocument[] = [];
  let after: (string | number)[] | undefined;
  for (;;) {
    const page = await search.search<RegistryDocument>({ index, size: pageSize, query, sort: [{ id: 'asc' }], ...(fields ? { _source: fields } : {}), ...(after ? { search_after: after } : {}) });
    for (const hit of page.hits.hits) if (hit._source) found.push(hit._source);
    if (page.hits.hits.length < pageSize) return found;
    after = page.hits.hits.at(-1)?.sort as (string | number)[];
  }
}

/** Whether a load of the dataset is queued or running (its tables and ids must not move under it). */
export async function loadIsRunning(orm: MikroORM, datasetId: string): Promise<boolean> {
  const rows = await orm.em.getConnection().execute<{ n: string }[]>("select count(*) as n from package_loads where dataset_id = ? and status not in ('done', 'fail')", [datasetId]);
  return Number(rows[0]?.n ?? 0) > 0;
}
