/** CSV into PostgreSQL with COPY: real OpenSpending data, type casts, dialects, atomic replacement. */
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parse as parseSync } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnsFor, loadCsvIntoTable } from '../../src/adapters/postgres/csv-table.loader.ts';
import { createOrm, type Orm } from '../../src/adapters/postgres/orm.ts';
import { createTestDatabase } from '../setup/databases.ts';

const fixtures = join(import.meta.dirname, '..', 'fixtures');
const descriptor = JSON.parse(readFileSync(join(fixtures, 'fdp', 'al-treasury-spending.json'), 'utf8'));
const fields = descriptor.resources[0].schema.fields as { name: string; type: string }[];
const treasury = () => createReadStream(join(fixtures, 'fdp-data', 'al-treasury-spending.csv'));

describe('loadCsvIntoTable', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let orm: Orm;
  beforeAll(async () => {
    database = await createTestDatabase('copy');
    orm = await createOrm({ url: database.url, poolMax: 4 });
  });
  afterAll(async () => {
    await orm?.close();
    await database?.drop();
  });
  const query = <T>(sql: string) => orm.em.getConnection().execute<T[]>(sql);

  it('loads the Albanian treasury CSV: every row once, values cast per Table Schema type', async () => {
    const progress: number[] = [];
    const rows = await loadCsvIntoTable(orm, { table: 'fdp_al_treasury', columns: columnsFor(fields) }, treasury(), {}, (count) => progress.push(count));
    expect(rows).toBe(40);
    expect(progress.at(-1)).toBe(40);
    const [summary] = await query<{ rows: string; total: string; first: string }>('select count(*) as rows, sum(c_value) as total, min(c_date_registered)::text as first from fdp_al_treasury');
    // The same sums computed straight from the file.
    const records = parseSync(readFileSync(join(fixtures, 'fdp-data', 'al-treasury-spending.csv')), { columns: true }) as Record<string, string>[];
    const total = records.reduce((sum, record) => sum + BigInt(record.Value ?? '0'), 0n);
    expect(summary).toEqual({ rows: String(records.length), total: total.toString(), first: expect.stringMatching(/^2014-/) });
    const [types] = await query<{ type: string }>("select data_type as type from information_schema.columns where table_name = 'fdp_al_treasury' and column_name = 'c_value'");
    expect(types?.type).toBe('bigint');
  });

  it('replaces the rows atomically on a second load, and keeps them when a load fails', async () => {
    expect(await loadCsvIntoTable(orm, { table: 'fdp_al_treasury', columns: columnsFor(fields) }, treasury())).toBe(40);
    const lines = readFileSync(join(fixtures, 'fdp-data', 'al-treasury-spending.csv'), 'utf8').split('\n');
    lines[5] = lines[5]?.replace(/,(\d+),2014-/, ',12x,2014-') ?? '';
    await expect(loadCsvIntoTable(orm, { table: 'fdp_al_treasury', columns: columnsFor(fields) }, Readable.from([lines.join('\n')]))).rejects.toThrow(
      /row 5, column "Value": "12x" is not an integer/,
    );
    const [after] = await query<{ rows: string }>('select count(*) as rows from fdp_al_treasury');
    expect(after?.rows).toBe('40');
    const leftovers = await query<{ name: string }>("select table_name as name from information_schema.tables where table_name like '%__loading'");
    expect(leftovers).toEqual([]);
  });

  it('reads other dialects: semicolons, a BOM, CRLF line ends, quoted delimiters', async () => {
    const csv = '\uFEFFname;amount;day\r\n"Smith; John";12.5;2024-01-31\r\nDoe;-3;\r\n';
    const columns = columnsFor([{ name: 'name', type: 'string' }, { name: 'amount', type: 'number' }, { name: 'day', type: 'date' }]);
    expect(await loadCsvIntoTable(orm, { table: 'fdp_dialect', columns }, Readable.from([csv]), { delimiter: ';' })).toBe(2);
    expect(await query('select c_name as name, c_amount::text as amount, c_day::text as day from fdp_dialect order by c_name')).toEqual([
      { name: 'Doe', amount: '-3', day: null },
      { name: 'Smith; John', amount: '12.5', day: '2024-01-31' },
    ]);
  });

  it('refuses a header that does not match the schema, malformed CSV, and unsafe table names', async () => {
    const columns = columnsFor([{ name: 'a', type: 'string' }]);
    await expect(loadCsvIntoTable(orm, { table: 'fdp_bad', columns }, Readable.from(['b\nx\n']))).rejects.toThrow(/does not match the schema/);
    await expect(loadCsvIntoTable(orm, { table: 'fdp_bad', columns }, Readable.from(['a\n"unclosed\n']))).rejects.toThrow(/Malformed CSV/);
    await expect(loadCsvIntoTable(orm, { table: 'x"; drop table users; --', columns }, Readable.from(['a\n']))).rejects.toThrow(/unsafe table name/);
  });

  it('stores hostile text as data and derives safe, distinct column names', async () => {
    const columns = columnsFor([{ name: 'Name"); drop table x; --', type: 'string' }, { name: 'name', type: 'string' }]);
    expect(columns.map((c) => c.column)).toEqual(['c_name_drop_table_x', 'c_name']);
    const header = '"Name""); drop table x; --",name\n';
    await loadCsvIntoTable(orm, { table: 'fdp_hostile', columns }, Readable.from([`${header}"a\\tb\\\\n",'); select 1; --\n`]));
    expect(await query('select c_name_drop_table_x as first, c_name as second from fdp_hostile')).toEqual([{ first: 'a\\tb\\\\n', second: "'); select 1; --" }]);
  });
});
