import type { Client } from '@elastic/elasticsearch';
import type { MikroORM } from '@mikro-orm/postgresql';
import { datasetIdFor } from '../../core/packages/dataset-id.js';
import { fileIdFor } from '../../core/packages/file-ids.js';
import { tablePrefixFor } from '../../core/packages/table-names.js';
import type { RegistryDocument } from '../../ports/package-registry.js';
import { packageIndexAlias } from '../elasticsearch/package-index.js';
import { loadIsRunning, registryDocuments } from './registry-scan.js';

/** One dataset given its reference id. */
export interface DatasetRename {
  from: string;
  to: string;
}

/** What one run did: renamed datasets, and those left for a later run (with why). */
export interface DatasetIdMigrationReport {
  renamed: DatasetRename[];
  postponed: { id: string; reason: string }[];
}

// Before ids followed the reference, a dataset's name was lower-cased with every run of other characters as `_`.
const formerSlug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '').slice(0, 100) || 'package';

/**
 * The reference id of a dataset named the old way. The name the old id was
 * made from is the descriptor's folder in `origin_url` (as the loader takes
 * it); when that no longer gives the old id, the old id's own name is used.
 */
export function referenceIdOf(document: RegistryDocument): string {
  const [owner = '', slug = ''] = splitId(document.id);
  const folder = typeof document.origin_url === 'string' ? folderOf(document.origin_url) : undefined;
  const name = folder !== undefined && formerSlug(folder) === slug ? folder : slug;
  return datasetIdFor(owner, name);
}

function splitId(id: string): [string, string] | [] {
  const colon = id.indexOf(':');
  return colon < 0 ? [] : [id.slice(0, colon), id.slice(colon + 1)];
}

function folderOf(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).pathname.split('/').filter(Boolean).at(-2) ?? '');
  } catch {
    return undefined;
  }
}

/**
 * Gives every dataset named the old way (`<owner>:my_budget`) its reference
 * id (`<owner>:my-budget`): the registry document, the dataset row and its
 * file ids, work packages, access grants, load records and the loaded
 * tables move to the new id, and the old id is kept as an alias so calls
 * naming it keep working. Idempotent, so it runs at every start; a dataset
 * whose load is still running is left for the next run.
 */
export async function migrateDatasetIds(orm: MikroORM, search: Client, indexPrefix: string): Promise<DatasetIdMigrationReport> {
  const index = packageIndexAlias(indexPrefix);
  const report: DatasetIdMigrationReport = { renamed: [], postponed: [] };
  // Reference ids never have a `_` in their name part.
  for (const document of await registryDocuments(search, index, { wildcard: { id: { value: '*:*_*' } } })) {
    const from = document.id;
    const to = referenceIdOf(document);
    if (to === from) continue;
    const reason = await reasonToWait(orm, search, index, from, to);
    if (reason) {
      report.postponed.push({ id: from, reason });
      continue;
    }
    const factTable = await movePostgresRows(orm, document, from, to);
    const model = document.model && typeof document.model === 'object' ? { ...(document.model as Record<string, unknown>), ...(factTable ? { fact_table: factTable } : {}) } : document.model;
    await search.index({ index, id: to, document: { ...document, id: to, model }, refresh: true });
    await search.delete({ index, id: from, refresh: true }, { ignore: [404] });
    report.renamed.push({ from, to });
  }
  return report;
}

async function reasonToWait(orm: MikroORM, search: Client, index: string, from: string, to: string): Promise<string | undefined> {
  if (await loadIsRunning(orm, from)) return 'a load of it is running';
  const taken = await search.exists({ index, id: to });
  if (taken) return `${to} exists already`;
  return undefined;
}

/** Moves the dataset's rows and tables in one transaction; answers the fact table's new name. */
async function movePostgresRows(orm: MikroORM, document: RegistryDocument, from: string, to: string): Promise<string | undefined> {
  const resources = Array.isArray(document.package?.resources) ? (document.package.resources as Record<string, unknown>[]) : [];
  const fileIds = new Map(resources.map((resource, index) => {
    const name = typeof resource.name === 'string' ? resource.name : `resource-${index}`;
    return [fileIdFor(from, name), fileIdFor(to, name)];
  }));
  const renameFile = (id: string) => fileIds.get(id) ?? id;
  const oldPrefix = tablePrefixFor(from);
  const newPrefix = tablePrefixFor(to);
  const oldFactTable = typeof (document.model as { fact_table?: unknown } | undefined)?.fact_table === 'string' ? (document.model as { fact_table: string }).fact_table : undefined;

  return orm.em.fork().transactional(async (em) => {
    const sql = em.getConnection();
    await sql.execute('insert into dataset_id_aliases (old_id, new_id) values (?, ?) on conflict (old_id) do update set new_id = excluded.new_id', [from, to]);
    await sql.execute('update dataset_id_aliases set new_id = ? where new_id = ?', [to, from]);

    const datasets = await sql.execute<{ files: { id: string; extension: string }[] }[]>('select files from datasets where id = ?', [from]);
    if (datasets[0]) {
      const files = datasets[0].files.map((file) => ({ ...file, id: renameFile(file.id) }));
      await sql.execute('update datasets set id = ?, files = ? where id = ?', [to, JSON.stringify(files), from]);
    }
    const packages = await sql.execute<{ id: string; files: Record<string, string> }[]>('select id, files from work_packages where dataset_id = ?', [from]);
    for (const workPackage of packages) {
      const files = Object.fromEntries(Object.entries(workPackage.files).map(([id, extension]) => [renameFile(id), extension]));
      await sql.execute('update work_packages set dataset_id = ?, files = ? where id = ?', [to, JSON.stringify(files), workPackage.id]);
    }
    await sql.execute('insert into dataset_access_grants (user_id, dataset_id) select user_id, ? from dataset_access_grants where dataset_id = ? on conflict do nothing', [to, from]);
    await sql.execute('delete from dataset_access_grants where dataset_id = ?', [from]);
    await sql.execute('update package_loads set dataset_id = ? where dataset_id = ?', [to, from]);

    // Table names are a hash of the dataset id: the tables (and a fact view) move with it.
    const tables = await sql.execute<{ name: string }[]>(
      "select table_name as name from information_schema.tables where table_schema = current_schema() and table_name like ? escape '\\'",
      [`${oldPrefix}\\_%`],
    );
    for (const { name } of tables) {
      if (!/^fdp_[0-9a-f]{24}_[0-9a-z_]+$/.test(name)) continue;
      await sql.execute(`alter table "${name}" rename to "${newPrefix}${name.slice(oldPrefix.length)}"`);
    }
    await sql.execute("update package_load_checkpoints set table_name = ? || substr(table_name, ?) where table_name like ? escape '\\'", [newPrefix, oldPrefix.length + 1, `${oldPrefix}\\_%`]);
    return oldFactTable?.startsWith(`${oldPrefix}_`) ? `${newPrefix}${oldFactTable.slice(oldPrefix.length)}` : oldFactTable;
  });
}
