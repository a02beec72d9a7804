import type { Client } from '@elastic/elasticsearch';
import type { MikroORM } from '@mikro-orm/postgresql';
import { babbageModelOf } from '../../core/packages/babbage-model.js';
import { checkDescriptor, fiscalModelOf } from '../../core/packages/fiscal-model.js';
import { factTableFor, tablePrefixFor } from '../../core/packages/table-names.js';
import type { RegistryDocument } from '../../ports/package-registry.js';
import { packageIndexAlias } from '../elasticsearch/package-index.js';
import { loadIsRunning, registryDocuments } from './registry-scan.js';

/** What one run did: datasets given their one fact table, and those left for a later run (with why). */
export interface FactTableMigrationReport {
  migrated: string[];
  postponed: { id: string; reason: string }[];
}

const identifier = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Gives every dataset loaded before the one fact table (a table per
 * resource, a UNION ALL view over several) its fact table with an `_id`
 * primary key, the rows in resource order, and its model as loads now write
 * it (babbage-model.ts), rebuilt from the descriptor in the registry
 * document. Idempotent, so it runs at every start; a dataset whose load is
 * still running is left for the next run.
 */
export async function migrateFactTables(orm: MikroORM, search: Client, indexPrefix: string): Promise<FactTableMigrationReport> {
  const index = packageIndexAlias(indexPrefix);
  const report: FactTableMigrationReport = { migrated: [], postponed: [] };
  // This runs at every start: only the id and fact table of each document are read, the whole document only of those to migrate.
  for (const { id, model: current } of await registryDocuments(search, index, { term: { loaded: true } }, ['id', 'model.fact_table'])) {
    const factTable = factTableFor(id);
    if ((current as { fact_table?: unknown } | undefined)?.fact_table === factTable) continue;
    if (await loadIsRunning(orm, id)) {
      report.postponed.push({ id, reason: 'a load of it is running' });
      continue;
    }
    const document = (await search.get<RegistryDocument>({ index, id }))._source;
    if (!document) continue;
    let model;
    try {
      const checked = checkDescriptor(document.package);
      model = babbageModelOf(fiscalModelOf(document.package, checked), factTable, checked[0]?.fields ?? []);
    } catch (error) {
      report.postponed.push({ id: document.id, reason: `its descriptor no longer reads: ${(error as Error).message}` });
      continue;
    }
    const moved = await mergeTables(orm, tablePrefixFor(document.id), factTable);
    if (!moved) {
      report.postponed.push({ id: document.id, reason: 'no loaded tables found' });
      continue;
    }
    await search.update({ index, id: document.id, doc: { model }, refresh: true });
    report.migrated.push(document.id);
  }
  return report;
}

/**
 * In one transaction: the resource tables' rows into one new table with an
 * `_id` identity primary key (resource 0's rows first), then the old tables
 * and view dropped. True when the fact table is there afterwards (made now,
 * or by an earlier run that stopped before updating the registry).
 */
async function mergeTables(orm: MikroORM, prefix: string, factTable: string): Promise<boolean> {
  return orm.em.fork().transactional(async (em) => {
    const sql = em.getConnection();
    await sql.execute('select pg_advisory_xact_lock(hashtext(?))', [prefix]);
    const names = (
      await sql.execute<{ name: string }[]>("select table_name as name from information_schema.tables where table_schema = current_schema() and table_name like ? escape '\\'", [`${prefix}\\_%`])
    ).map((row) => row.name);
    if (names.includes(factTable)) return true;
    const resourceTables = names
      .filter((name) => new RegExp(`^${prefix}_\\d+$`).test(name) && identifier.test(name))
      .sort((a, b) => Number(a.slice(prefix.length + 1)) - Number(b.slice(prefix.length + 1)));
    const first = resourceTables[0];
    if (!first) return false;
    const columns = (
      await sql.execute<{ name: string }[]>('select column_name as name from information_schema.columns where table_schema = current_schema() and table_name = ? order by ordinal_position', [first])
    ).map((row) => `"${row.name}"`);
    await sql.execute(`create table "${factTable}" ("_id" bigint generated always as identity, like "${first}")`);
    for (const table of resourceTables) await sql.execute(`insert into "${factTable}" (${columns.join(', ')}) select ${columns.join(', ')} from "${table}"`);
    await sql.execute(`alter table "${factTable}" add constraint "${factTable}_pkey" primary key ("_id")`);
    await sql.execute(`drop view if exists "${prefix}_fact"`);
    for (const table of resourceTables) await sql.execute(`drop table "${table}"`);
    return true;
  });
}
