/** CSV into PostgreSQL with COPY: real OpenSpending data, type casts, dialects, atomic replacement, resume after a crash. */
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseSync } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrm, migrate, type Orm } from '../../src/adapters/postgres/orm.ts';
import { PostgresTableLoader } from '../../src/adapters/postgres/table-loader.adapter.ts';
import { columnsFor } from '../../src/core/packages/column-names.ts';
import { csvDialectOf, defaultCsvDialect } from '../../src/core/packages/csv-dialect.ts';
import { createTestDatabase } from '../setup/databases.ts';

const fixtures = join(import.meta.dirname, '..', 'fixtures');
const descriptor = JSON.parse(readFileSync(join(fixtures, 'fdp', 'al-treasury-spending', 'datapackage.json'), 'utf8'));
const fields = descriptor.resources[0].schema.fields as { name: string; type: string }[];
const treasuryFile = join(fixtures, 'fdp', 'al-treasury-spending', 'data', 'treasury.csv');
const treasury = () => createReadStream(treasuryFile);
/** Resource `resource` of the dataset whose tables start with `prefix`, loaded into its fact table `<prefix>_facts`. */
const target = (prefix: string, columns = columnsFor(fields), dialect = defaultCsvDialect, loadId = 'load-1', resource = 0) => ({
  prefix,
  table: `${prefix}_facts`,
  checkpointKey: `${prefix}_${resource}`,
  columns,
  dialect,
  loadId,
});
const ignore = () => undefined;

/** Swaps a load's aside fact table in, as a finished load does. */
const publish = (loader: PostgresTableLoader, prefix: string, loadId = 'load-1') =>
  loader.publish({ loadId, prefix, table: `${prefix}_facts`, dataset: { id: `test:${prefix}`, owner: 'test', title: prefix, description: null, stage: 'download', published: false, files: [] } });

/** A source that yields `text` line by line, then fails like a dropped connection (not bad input). */
async function* breaksAfter(text: string): AsyncGenerator<string> {
  for (const line of text.split(/(?<=\n)/)) yield line;
  throw new Error('connection reset by peer');
}

describe('PostgresTableLoader', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let orm: Orm;
  beforeAll(async () => {
    database = await createTestDatabase('copy');
    orm = await createOrm({ url: database.url, poolMax: 4 });
    await migrate(orm);
  });
  afterAll(async () => {
    await orm?.close();
    await database?.drop();
  });
  const query = <T>(sql: string) => orm.em.getConnection().execute<T[]>(sql);

  it('loads the Albanian treasury CSV: every row once, values cast per Table Schema type', async () => {
    const progress: number[] = [];
    const result = await new PostgresTableLoader(orm).load(target('fdp_a1'), treasury(), (count) => progress.push(count));
    expect(result).toEqual({ rows: 40, resumedAt: 0 });
    // Nothing readers see changes until the load is published.
    expect(await query("select to_regclass('fdp_a1_facts') as found")).toEqual([{ found: null }]);
    await publish(new PostgresTableLoader(orm), 'fdp_a1');
    expect(progress.at(-1)).toBe(40);
    const [summary] = await query<{ rows: string; total: string; first: string }>('select count(*) as rows, sum(c_value) as total, min(c_date_registered)::text as first from fdp_a1_facts');
    // The same sums computed straight from the file, with another CSV parser.
    const records = parseSync(readFileSync(treasuryFile), { columns: true }) as Record<string, string>[];
    const total = records.reduce((sum, record) => sum + BigInt(record.Value ?? '0'), 0n);
    expect(summary).toEqual({ rows: String(records.length), total: total.toString(), first: expect.stringMatching(/^2014-/) });
    const [types] = await query<{ type: string }>("select data_type as type from information_schema.columns where table_name = 'fdp_a1_facts' and column_name = 'c_value'");
    expect(types?.type).toBe('bigint');
    expect(await query('select * from package_load_checkpoints')).toEqual([]);
  });

  it('replaces the rows atomically on a second load, and keeps them when a load fails on bad input', async () => {
    expect((await new PostgresTableLoader(orm).load(target('fdp_a1', undefined, undefined, 'load-2'), treasury(), ignore)).rows).toBe(40);
    await publish(new PostgresTableLoader(orm), 'fdp_a1', 'load-2');
    // Publishing again (a retried activity) changes nothing.
    await publish(new PostgresTableLoader(orm), 'fdp_a1', 'load-2');
    const lines = readFileSync(treasuryFile, 'utf8').split('\n');
    lines[5] = lines[5]?.replace(/,(\d+),2014-/, ',12x,2014-') ?? '';
    // Checkpoints every 2 rows: rows before the bad one are committed aside, and must be thrown away.
    await expect(new PostgresTableLoader(orm, 2).load(target('fdp_a1', undefined, undefined, 'load-3'), [lines.join('\n')], ignore)).rejects.toThrow(
      /row 5, column "Value": "12x" is not an integer/,
    );
    const [after] = await query<{ rows: string }>('select count(*) as rows from fdp_a1_facts');
    expect(after?.rows).toBe('40');
    expect(await query("select table_name as name from information_schema.tables where table_name like '%\\_\\_loading'")).toEqual([]);
    expect(await query('select * from package_load_checkpoints')).toEqual([]);
  });

  it('resumes an interrupted load after its last checkpoint: each row exactly once', async () => {
    const header = 'id,label\n';
    const rows = Array.from({ length: 25 }, (_, i) => `${i + 1},"row ${i + 1}"\n`);
    const columns = columnsFor([{ name: 'id', type: 'integer' }, { name: 'label', type: 'string' }]);
    // Checkpoints every 10 rows; each chunk parsed as it arrives (not gathered to 64 KB), so checkpoints fall between chunks.
    const loader = new PostgresTableLoader(orm, 10, 1);
    // The first attempt gets 17 rows and then loses its source: rows 1–10 are committed, 11–17 rolled back.
    await expect(loader.load(target('fdp_b2', columns, undefined, 'run-a'), breaksAfter(header + rows.slice(0, 17).join('')), ignore)).rejects.toThrow(/connection reset/);
    expect(await query('select rows_committed::int as rows from package_load_checkpoints')).toEqual([{ rows: 10 }]);
    expect(await query('select count(*)::int as rows from fdp_b2_facts__loading')).toEqual([{ rows: 10 }]);
    // The retry of the same run reads the file from the start and goes on after row 10.
    const progress: number[] = [];
    expect(await loader.load(target('fdp_b2', columns, undefined, 'run-a'), [header + rows.join('')], (count) => progress.push(count))).toEqual({ rows: 25, resumedAt: 10 });
    expect(progress).toEqual([25]);
    await publish(loader, 'fdp_b2', 'run-a');
    expect(await query('select count(*)::int as rows, count(distinct c_id)::int as ids, sum(c_id)::int as total from fdp_b2_facts')).toEqual([{ rows: 25, ids: 25, total: 325 }]);
    // Another run starts over, whatever a crashed run left behind.
    await expect(loader.load(target('fdp_b2', columns, undefined, 'run-b'), breaksAfter(header + rows.slice(0, 12).join('')), ignore)).rejects.toThrow(/connection reset/);
    expect(await loader.load(target('fdp_b2', columns, undefined, 'run-c'), [header + rows.slice(0, 3).join('')], ignore)).toEqual({ rows: 3, resumedAt: 0 });
    await publish(loader, 'fdp_b2', 'run-c');
    expect(await query('select count(*)::int as rows from fdp_b2_facts')).toEqual([{ rows: 3 }]);
  });

  it('puts every resource into one fact table with an `_id` primary key, in resource order; a resumed second resource keeps the first', async () => {
    const columns = columnsFor([{ name: 'id', type: 'integer' }]);
    const loader = new PostgresTableLoader(orm, 2, 1);
    expect(await loader.load(target('fdp_g7', columns, undefined, 'run-1', 0), ['id\n1\n2\n3\n'], ignore)).toEqual({ rows: 3, resumedAt: 0 });
    // The second resource loses its source after rows 10 and 11 are committed; the retry resumes it, the first resource's rows stay.
    await expect(loader.load(target('fdp_g7', columns, undefined, 'run-1', 1), breaksAfter('id\n10\n11\n12\n'), ignore)).rejects.toThrow(/connection reset/);
    expect(await loader.load(target('fdp_g7', columns, undefined, 'run-1', 1), ['id\n10\n11\n12\n13\n'], ignore)).toEqual({ rows: 4, resumedAt: 2 });
    await publish(loader, 'fdp_g7', 'run-1');
    expect(await query('select "_id"::int as "_id", c_id::int as id from fdp_g7_facts order by "_id"')).toEqual(
      [1, 2, 3, 10, 11, 12, 13].map((id, index) => ({ _id: index + 1, id })),
    );
    expect(await query("select pg_get_constraintdef(oid) as key from pg_constraint where conrelid = 'fdp_g7_facts'::regclass and contype = 'p'")).toEqual([{ key: 'PRIMARY KEY (_id)' }]);
    expect(await query("select table_name as name from information_schema.tables where table_name like 'fdp\\_g7%'")).toEqual([{ name: 'fdp_g7_facts' }]);
    expect(await query('select * from package_load_checkpoints')).toEqual([]);
  });

  it('replaces the tables of a dataset loaded before the one fact table (a table per resource and their view) when it is loaded again', async () => {
    await query('create table fdp_h8_0 (c_id bigint)');
    await query('create table fdp_h8_1 (c_id bigint)');
    await query('create view fdp_h8_fact as select * from fdp_h8_0 union all select * from fdp_h8_1');
    const columns = columnsFor([{ name: 'id', type: 'integer' }]);
    await new PostgresTableLoader(orm).load(target('fdp_h8', columns), ['id\n7\n'], ignore);
    await publish(new PostgresTableLoader(orm), 'fdp_h8');
    expect(await query("select table_name as name from information_schema.tables where table_name like 'fdp\\_h8%'")).toEqual([{ name: 'fdp_h8_facts' }]);
  });

  it('reads other dialects: semicolons, a BOM, CRLF, quoted delimiters, latin-1, no header row', async () => {
    const csv = '\uFEFFname;amount;day\r\n"Smith; John";12.5;2024-01-31\r\nDoe;-3;\r\n';
    const columns = columnsFor([{ name: 'name', type: 'string' }, { name: 'amount', type: 'number' }, { name: 'day', type: 'date' }]);
    expect((await new PostgresTableLoader(orm).load(target('fdp_c3', columns, csvDialectOf({ dialect: { delimiter: ';' } })), [csv], ignore)).rows).toBe(2);
    await publish(new PostgresTableLoader(orm), 'fdp_c3');
    expect(await query('select c_name as name, c_amount::text as amount, c_day::text as day from fdp_c3_facts order by c_name')).toEqual([
      { name: 'Doe', amount: '-3', day: null },
      { name: 'Smith; John', amount: '12.5', day: '2024-01-31' },
    ]);
    const latin = Buffer.from('Peña;1;2015-01-02\n', 'latin1');
    const dialect = csvDialectOf({ encoding: 'iso-8859-1', dialect: { delimiter: ';', header: false } });
    expect((await new PostgresTableLoader(orm).load(target('fdp_d4', columns, dialect), [latin], ignore)).rows).toBe(1);
    await publish(new PostgresTableLoader(orm), 'fdp_d4');
    expect(await query('select c_name as name from fdp_d4_facts')).toEqual([{ name: 'Peña' }]);
  });

  it('refuses a header that does not match the schema, malformed CSV, a wrong number of values, an empty file, and unsafe names', async () => {
    const columns = columnsFor([{ name: 'a', type: 'string' }, { name: 'b', type: 'string' }]);
    const load = (text: string, prefix = 'fdp_e5') => new PostgresTableLoader(orm).load(target(prefix, columns), [text], ignore);
    await expect(load('b,a\nx,y\n')).rejects.toThrow(/does not match the schema/);
    await expect(load('a,b\n"unclosed,1\n')).rejects.toThrow(/Malformed CSV at record 2/);
    await expect(load('a,b\nx,y\nonly-one\n')).rejects.toThrow(/row 2 has 1 values, but the schema has 2 fields/);
    await expect(load('')).rejects.toThrow(/The CSV is empty/);
    await expect(load('a,b\n', 'x"; drop table users; --')).rejects.toThrow(/unsafe table prefix/);
    expect(await query('select * from package_load_checkpoints')).toEqual([]);
  });

  it('stores hostile text as data and derives safe, distinct column names', async () => {
    const columns = columnsFor([{ name: 'Name"); drop table x; --', type: 'string' }, { name: 'name', type: 'string' }]);
    expect(columns.map((c) => c.column)).toEqual(['c_name_drop_table_x', 'c_name']);
    const header = '"Name""); drop table x; --",name\n';
    await new PostgresTableLoader(orm).load(target('fdp_f6', columns), [`${header}"a\\tb\\\\n\ttab",'); select 1; --\n`], ignore);
    await publish(new PostgresTableLoader(orm), 'fdp_f6');
    expect(await query('select c_name_drop_table_x as first, c_name as second from fdp_f6_facts')).toEqual([{ first: 'a\\tb\\\\n\ttab', second: "'); select 1; --" }]);
  });
});
