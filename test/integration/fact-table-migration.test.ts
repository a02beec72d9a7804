/**
 * The fact table migration against the real PostgreSQL and Elasticsearch: a
 * dataset loaded before the one fact table (a table per resource and a
 * UNION ALL view) gets one table with an `_id` primary key, its rows in
 * resource order, and the model loads now write.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrateFactTables } from '../../src/adapters/data-migrations/fact-tables.ts';
import { factTableFor, tablePrefixFor } from '../../src/core/packages/table-names.ts';
import { migrationBed } from '../support/migration-bed.ts';

const owner = 'c'.repeat(32);
const descriptor = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'fdp-keys', 'code-and-name', 'datapackage.json'), 'utf8'));

describe('fact table migration', () => {
  const bed = migrationBed('factmig');

  it('merges the resource tables into one with an `_id` primary key, drops them and the view, rewrites the model; a second run changes nothing', async () => {
    const id = `${owner}:two-resources`;
    const tablePrefix = tablePrefixFor(id);
    const sql = bed.orm.em.getConnection();
    for (const [n, rows] of [[0, ["(2019, '01', 'Health', 'A10', 1.5)", "(2020, '01', 'Public health', 'A10', 2.5)"]], [1, ["(2021, '02', 'Defence', 'B10', 4)"]]] as const) {
      await sql.execute(`create table "${tablePrefix}_${n}" (c_year bigint, c_func_code text, c_func_name text, c_admin_code text, c_amount numeric)`);
      await sql.execute(`insert into "${tablePrefix}_${n}" values ${rows.join(', ')}`);
    }
    await sql.execute(`create view "${tablePrefix}_fact" as select * from "${tablePrefix}_0" union all select * from "${tablePrefix}_1"`);
    const twoResources = { ...descriptor, resources: [descriptor.resources[0], { ...descriptor.resources[0], name: 'more', path: 'data/more.csv' }] };
    await bed.search.index({
      index: bed.index,
      id,
      refresh: true,
      document: { id, loaded: true, package: { ...twoResources, owner }, model: { fact_table: `${tablePrefix}_fact`, measures: { amount: { column: 'c_amount' } }, dimensions: {} } },
    });

    expect(await migrateFactTables(bed.orm, bed.search, bed.prefix)).toEqual({ migrated: [id], postponed: [] });
    const factTable = factTableFor(id);
    expect(await sql.execute(`select "_id"::int as id, c_func_name as name, c_amount::text as amount from "${factTable}" order by "_id"`)).toEqual([
      { id: 1, name: 'Health', amount: '1.5' },
      { id: 2, name: 'Public health', amount: '2.5' },
      { id: 3, name: 'Defence', amount: '4' },
    ]);
    const [key] = await sql.execute<{ definition: string }[]>("select pg_get_constraintdef(oid) as definition from pg_constraint where conrelid = ?::regclass and contype = 'p'", [factTable]);
    expect(key?.definition).toBe('PRIMARY KEY (_id)');
    expect(await sql.execute("select table_name from information_schema.tables where table_name like ? escape '\\' order by 1", [`${tablePrefix}\\_%`])).toEqual([{ table_name: factTable }]);

    const { _source: document } = await bed.search.get<{ model: Record<string, unknown> }>({ index: bed.index, id });
    expect(document?.model).toMatchObject({
      fact_table: factTable,
      measures: { amount: { column: 'c_amount', label: 'Amount spent' } },
      hierarchies: { functional_classification: { levels: ['functional_classification_code', 'functional_classification_name'] } },
    });
    expect(await migrateFactTables(bed.orm, bed.search, bed.prefix)).toEqual({ migrated: [], postponed: [] });
  });
});
