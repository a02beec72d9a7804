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
const target = (prefix: string, columns = columnsFor(fields), dialect = defaultCsvDialect, loadId = 'load-1', resource = 0, missingValues?: string[]) => ({
  prefix,
  table: `${prefix}_facts`,
  checkpointKey: `${prefix}_${resource}`,
  columns,
  dialect,
  loadId,
  ...(missingValues ? { missingValues } : {}),
});
/** Missing values PostgreSQL cannot read as NULL itself: the resource goes through Conductor's casting path, which checkpoints. */
const castingPath = ['', 'n/a'];
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
    const result = await new PostgresTableLoader(orm).load(target('fdp_a1'), treasury, (count) => progress.push(count));
    // Strings, integers and ISO dates: PostgreSQL reads the file itself.
    expect(result).toEqual({ rows: 40, resumedAt: 0, parsedBy: 'postgresql' });
    // Nothing readers see changes until the load is published.
    expect(await query("select to_regclass('fdp_a1_facts') as found")).toEqual([{ found: null }]);
    // Autovacuum leaves the table alone while it fills (each block's commit would make it scan the table again).
    expect(await query("select reloptions from pg_class where relname = 'fdp_a1_facts__loading'")).toEqual([{ reloptions: ['autovacuum_enabled=false'] }]);
    await publish(new PostgresTableLoader(orm), 'fdp_a1');
    expect(await query("select reloptions from pg_class where relname = 'fdp_a1_facts'")).toEqual([{ reloptions: null }]);
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
    expect((await new PostgresTableLoader(orm).load(target('fdp_a1', undefined, undefined, 'load-2'), treasury, ignore)).rows).toBe(40);
    await publish(new PostgresTableLoader(orm), 'fdp_a1', 'load-2');
    // Publishing again (a retried activity) changes nothing.
    await publish(new PostgresTableLoader(orm), 'fdp_a1', 'load-2');
    const lines = readFileSync(treasuryFile, 'utf8').split('\n');
    lines[5] = lines[5]?.replace(/,(\d+),2014-/, ',12x,2014-') ?? '';
    // Checkpoints every 2 rows: rows before the bad one are committed aside, and must be thrown away.
    await expect(new PostgresTableLoader(orm, 2).load(target('fdp_a1', undefined, undefined, 'load-3'), () => [lines.join('\n')], ignore)).rejects.toThrow(
      /row 5, column "Value": "12x" is not an integer/,
    );
    const [after] = await query<{ rows: string }>('select count(*) as rows from fdp_a1_facts');
    expect(after?.rows).toBe('40');
    expect(await query("select table_name as name from information_schema.tables where table_name like '%\\_\\_loading'")).toEqual([]);
    expect(await query('select * from package_load_checkpoints')).toEqual([]);
  });

  it('resumes an interrupted load after its last checkpoint (casting path): each row exactly once', async () => {
    const header = 'id,label\n';
    const rows = Array.from({ length: 25 }, (_, i) => `${i + 1},"row ${i + 1}"\n`);
    const columns = columnsFor([{ name: 'id', type: 'integer' }, { name: 'label', type: 'string' }]);
    // Checkpoints every 10 rows; each chunk parsed as it arrives (not gathered to 64 KB), so checkpoints fall between chunks.
    const loader = new PostgresTableLoader(orm, 10, 1);
    // The first attempt gets 17 rows and then loses its source: rows 1–10 are committed, 11–17 rolled back.
    await expect(loader.load(target('fdp_b2', columns, undefined, 'run-a', 0, castingPath), () => breaksAfter(header + rows.slice(0, 17).join('')), ignore)).rejects.toThrow(/connection reset/);
    expect(await query('select rows_committed::int as rows from package_load_checkpoints')).toEqual([{ rows: 10 }]);
    expect(await query('select count(*)::int as rows from fdp_b2_facts__loading')).toEqual([{ rows: 10 }]);
    // The retry of the same run reads the file from the start and goes on after row 10.
    const progress: number[] = [];
    expect(await loader.load(target('fdp_b2', columns, undefined, 'run-a', 0, castingPath), () => [header + rows.join('')], (count) => progress.push(count))).toEqual({ rows: 25, resumedAt: 10, parsedBy: 'conductor' });
    expect(progress).toEqual([25]);
    await publish(loader, 'fdp_b2', 'run-a');
    expect(await query('select count(*)::int as rows, count(distinct c_id)::int as ids, sum(c_id)::int as total from fdp_b2_facts')).toEqual([{ rows: 25, ids: 25, total: 325 }]);
    // Another run starts over, whatever a crashed run left behind.
    await expect(loader.load(target('fdp_b2', columns, undefined, 'run-b', 0, castingPath), () => breaksAfter(header + rows.slice(0, 12).join('')), ignore)).rejects.toThrow(/connection reset/);
    expect(await loader.load(target('fdp_b2', columns, undefined, 'run-c', 0, castingPath), () => [header + rows.slice(0, 3).join('')], ignore)).toEqual({ rows: 3, resumedAt: 0, parsedBy: 'conductor' });
    await publish(loader, 'fdp_b2', 'run-c');
    expect(await query('select count(*)::int as rows from fdp_b2_facts')).toEqual([{ rows: 3 }]);
  });

  it('puts every resource into one fact table with an `_id` primary key, in resource order; a resumed second resource keeps the first', async () => {
    const columns = columnsFor([{ name: 'id', type: 'integer' }]);
    const loader = new PostgresTableLoader(orm, 2, 1);
    expect(await loader.load(target('fdp_g7', columns, undefined, 'run-1', 0, castingPath), () => ['id\n1\n2\n3\n'], ignore)).toEqual({ rows: 3, resumedAt: 0, parsedBy: 'conductor' });
    // The second resource loses its source after rows 10 and 11 are committed; the retry resumes it, the first resource's rows stay.
    await expect(loader.load(target('fdp_g7', columns, undefined, 'run-1', 1, castingPath), () => breaksAfter('id\n10\n11\n12\n'), ignore)).rejects.toThrow(/connection reset/);
    expect(await loader.load(target('fdp_g7', columns, undefined, 'run-1', 1, castingPath), () => ['id\n10\n11\n12\n13\n'], ignore)).toEqual({ rows: 4, resumedAt: 2, parsedBy: 'conductor' });
    await publish(loader, 'fdp_g7', 'run-1');
    expect(await query('select "_id"::int as "_id", c_id::int as id from fdp_g7_facts order by "_id"')).toEqual(
      [1, 2, 3, 10, 11, 12, 13].map((id, index) => ({ _id: index + 1, id })),
    );
    expect(await query("select pg_get_constraintdef(oid) as key from pg_constraint where conrelid = 'fdp_g7_facts'::regclass and contype = 'p'")).toEqual([{ key: 'PRIMARY KEY (_id)' }]);
    expect(await query("select table_name as name from information_schema.tables where table_name like 'fdp\\_g7%'")).toEqual([{ name: 'fdp_g7_facts' }]);
    expect(await query('select * from package_load_checkpoints')).toEqual([]);
  });

  it('builds the new fact table\'s key while readers keep reading the current one, then swaps it in under the table\'s key name', async () => {
    const loader = new PostgresTableLoader(orm);
    await loader.load(target('fdp_k1'), treasury, ignore);
    await publish(loader, 'fdp_k1');
    await loader.load(target('fdp_k1', undefined, undefined, 'load-2'), treasury, ignore);
    // A reader in the middle of a transaction on the dataset's current table.
    const pool = await orm.em.getConnection().getNativeClient();
    const reader = await pool.connect();
    try {
      await reader.query('begin');
      expect((await reader.query('select count(*)::int as rows from fdp_k1_facts')).rows).toEqual([{ rows: 40 }]);
      // The key is built without waiting for that reader (the old swap built it after locking the current table).
      const waited = new Promise((_, reject) => setTimeout(() => reject(new Error('buildKey waited for the reader')), 10_000).unref());
      await Promise.race([loader.buildKey({ prefix: 'fdp_k1', table: 'fdp_k1_facts' }), waited]);
      await loader.buildKey({ prefix: 'fdp_k1', table: 'fdp_k1_facts' });
      expect(await query("select conname from pg_constraint where conrelid = 'fdp_k1_facts__loading'::regclass and contype = 'p'")).toEqual([{ conname: 'fdp_k1_facts__loading_pkey' }]);
    } finally {
      await reader.query('commit');
      reader.release();
    }
    await publish(loader, 'fdp_k1', 'load-2');
    expect(await query("select conname from pg_constraint where conrelid = 'fdp_k1_facts'::regclass and contype = 'p'")).toEqual([{ conname: 'fdp_k1_facts_pkey' }]);
    expect(await query("select to_regclass('fdp_k1_facts__loading') as aside, (select count(*)::int from fdp_k1_facts) as rows")).toEqual([{ aside: null, rows: 40 }]);
    // Once published, there is no aside table to key.
    await loader.buildKey({ prefix: 'fdp_k1', table: 'fdp_k1_facts' });
  });

  it('replaces the tables of a dataset loaded before the one fact table (a table per resource and their view) when it is loaded again', async () => {
    await query('create table fdp_h8_0 (c_id bigint)');
    await query('create table fdp_h8_1 (c_id bigint)');
    await query('create view fdp_h8_fact as select * from fdp_h8_0 union all select * from fdp_h8_1');
    const columns = columnsFor([{ name: 'id', type: 'integer' }]);
    await new PostgresTableLoader(orm).load(target('fdp_h8', columns), () => ['id\n7\n'], ignore);
    await publish(new PostgresTableLoader(orm), 'fdp_h8');
    expect(await query("select table_name as name from information_schema.tables where table_name like 'fdp\\_h8%'")).toEqual([{ name: 'fdp_h8_facts' }]);
  });

  it('lets PostgreSQL read what it can: empty cells (quoted or not) are NULL, windows-1252 is converted, values equal the casting path', async () => {
    const columns = columnsFor([{ name: 'name', type: 'string' }, { name: 'amount', type: 'number' }, { name: 'day', type: 'date' }, { name: 'paid', type: 'boolean' }, { name: 'n', type: 'integer' }]);
    const csv = Buffer.from('name,amount,day,paid,n\r\n"Peña, S.L.",12.50,2024-01-31,true,7\r\n"",,"",false,\r\n"say ""hi""",-3,2020-02-29,1,-12\r\n', 'latin1');
    const dialect = csvDialectOf({ encoding: 'windows-1252' });
    const loaded = await new PostgresTableLoader(orm).load(target('fdp_k1', columns, dialect), () => [csv], ignore);
    expect(loaded).toEqual({ rows: 3, resumedAt: 0, parsedBy: 'postgresql' });
    await publish(new PostgresTableLoader(orm), 'fdp_k1');
    // The same file through the casting path (a missing value PostgreSQL cannot read forces it), for comparison.
    expect((await new PostgresTableLoader(orm).load(target('fdp_k2', columns, dialect, 'load-1', 0, castingPath), () => [csv], ignore)).parsedBy).toBe('conductor');
    await publish(new PostgresTableLoader(orm), 'fdp_k2');
    const read = (table: string) => query(`select c_name as name, c_amount::text as amount, c_day::text as day, c_paid as paid, c_n::int as n from ${table} order by "_id"`);
    expect(await read('fdp_k1_facts')).toEqual([
      { name: 'Peña, S.L.', amount: '12.50', day: '2024-01-31', paid: true, n: 7 },
      { name: null, amount: null, day: null, paid: false, n: null },
      { name: 'say "hi"', amount: '-3', day: '2020-02-29', paid: true, n: -12 },
    ]);
    expect(await read('fdp_k2_facts')).toEqual(await read('fdp_k1_facts'));
  });

  it('reads with the casting path what PostgreSQL refuses: markers, grouped thousands, a day-first date; a bad value is still named by row and column', async () => {
    const columns = columnsFor([{ name: 'amount', type: 'number' }, { name: 'day', type: 'date' }]);
    const loader = new PostgresTableLoader(orm);
    const grouped = await loader.load(target('fdp_m2', columns), () => ['amount,day\n"40,800,000",2024-01-01\nnfp,\n'], ignore);
    expect(grouped).toEqual({ rows: 2, resumedAt: 0, parsedBy: 'conductor' });
    await publish(loader, 'fdp_m2');
    expect(await query('select c_amount::text as amount from fdp_m2_facts order by "_id"')).toEqual([{ amount: '40800000' }, { amount: null }]);
    // PostgreSQL would read 05/01/2020 by its DateStyle; Table Schema's default date format is ISO only.
    await expect(loader.load(target('fdp_m3', columns), () => ['amount,day\n1,05/01/2020\n'], ignore)).rejects.toThrow(/row 1, column "day": "05\/01\/2020" is not/);
    await expect(loader.load(target('fdp_m4', columns), () => ['amount,day\n1,2024-01-01\n12x,2024-01-02\n'], ignore)).rejects.toThrow(/row 2, column "amount": "12x" is not a number/);
    // A delimiter COPY cannot take (not one byte) is read by the casting path from the start.
    expect((await loader.load(target('fdp_m5', columns, csvDialectOf({ dialect: { delimiter: '§' } })), () => ['amount§day\n1§2024-01-01\n'], ignore)).parsedBy).toBe('conductor');
    await publish(loader, 'fdp_m5');
    expect(await query("select table_name as name from information_schema.tables where table_name like 'fdp\\_m%loading'")).toEqual([]);
  });

  it('keeps nothing of a native COPY that loses its source, and the retry loads every row once', async () => {
    const columns = columnsFor([{ name: 'id', type: 'integer' }]);
    const loader = new PostgresTableLoader(orm);
    const body = Array.from({ length: 50 }, (_, i) => `${i + 1}\n`).join('');
    await expect(loader.load(target('fdp_n1', columns, undefined, 'run-1'), () => breaksAfter(`id\n${body}`), ignore)).rejects.toThrow(/connection reset/);
    expect(await query('select count(*)::int as rows from fdp_n1_facts__loading')).toEqual([{ rows: 0 }]);
    expect(await loader.load(target('fdp_n1', columns, undefined, 'run-1'), () => [`id\n${body}`], ignore)).toEqual({ rows: 50, resumedAt: 0, parsedBy: 'postgresql' });
    await publish(loader, 'fdp_n1', 'run-1');
    expect(await query('select count(*)::int as rows, count(distinct c_id)::int as ids, sum(c_id)::int as total from fdp_n1_facts')).toEqual([{ rows: 50, ids: 50, total: 1275 }]);
  });

  it('splits a native COPY at record boundaries into checkpointed transactions, and resumes after the last one: each row exactly once', async () => {
    const columns = columnsFor([{ name: 'id', type: 'integer' }, { name: 'label', type: 'string' }]);
    // Quoted line breaks and doubled quotes are inside records, not between them.
    const rows = Array.from({ length: 25 }, (_, i) => `${i + 1},"row ""${i + 1}""\nsecond line"\n`);
    const loader = new PostgresTableLoader(orm, 10, 1);
    const progress: number[] = [];
    await expect(loader.load(target('fdp_p1', columns, undefined, 'run-a'), () => breaksAfter(`id,label\n${rows.slice(0, 17).join('')}`), (count) => progress.push(count))).rejects.toThrow(/connection reset/);
    expect(progress).toEqual([10]);
    expect(await query('select count(*)::int as rows from fdp_p1_facts__loading')).toEqual([{ rows: 10 }]);
    expect(await loader.load(target('fdp_p1', columns, undefined, 'run-a'), () => [`id,label\n${rows.join('')}`], ignore)).toEqual({ rows: 25, resumedAt: 10, parsedBy: 'postgresql' });
    await publish(loader, 'fdp_p1', 'run-a');
    expect(await query('select count(*)::int as rows, count(distinct c_id)::int as ids, sum(c_id)::int as total, max(c_label) filter (where c_id = 25) as last from fdp_p1_facts')).toEqual([
      { rows: 25, ids: 25, total: 325, last: 'row "25"\nsecond line' },
    ]);
  });

  it('copies through several connections at once and commits their blocks in file order: a crash keeps exactly the first records, `_id` numbers them in file order', async () => {
    const columns = columnsFor([{ name: 'id', type: 'integer' }, { name: 'label', type: 'string' }]);
    const rows = Array.from({ length: 300 }, (_, i) => `${i + 1},"row ${i + 1}, ""quoted""
second line"
`);
    // Three streams, blocks of about 100 bytes: some 100 transactions, handed round the three connections; the
    // numbered records are cut from slabs of 64 bytes (less than a connection may hold unsent), each used again once its blocks committed.
    const loader = new PostgresTableLoader(orm, 1000, undefined, 3, 100, 64);
    const progress: number[] = [];
    await expect(loader.load(target('fdp_q1', columns, undefined, 'run-q'), () => breaksAfter(`id,label\n${rows.slice(0, 200).join('')}`), (count) => progress.push(count))).rejects.toThrow(/connection reset/);
    // Commits come in order, each a prefix of the file: what is in the table is records 1..n, no gaps.
    expect(progress.length).toBeGreaterThan(10);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const [kept] = await query<{ rows: number; first: number; last: number }>('select count(*)::int as rows, min(c_id)::int as first, max(c_id)::int as last from fdp_q1_facts__loading');
    expect(kept).toEqual({ rows: progress.at(-1), first: 1, last: progress.at(-1) });
    const resumed = await loader.load(target('fdp_q1', columns, undefined, 'run-q'), () => `id,label\n${rows.join('')}`.split(/(?<=\n)/), ignore);
    expect(resumed).toEqual({ rows: 300, resumedAt: progress.at(-1), parsedBy: 'postgresql' });
    await publish(loader, 'fdp_q1', 'run-q');
    expect(await query('select count(*)::int as rows, count(distinct c_id)::int as ids, sum(c_id)::int as total, max(c_label) filter (where c_id = 300) as last from fdp_q1_facts')).toEqual([
      { rows: 300, ids: 300, total: 45150, last: 'row 300, "quoted"\nsecond line' },
    ]);
    // `_id` is the record's number in the file, whichever stream loaded it and whichever attempt.
    expect(await query('select count(*)::int as misnumbered from fdp_q1_facts where "_id" <> c_id')).toEqual([{ misnumbered: 0 }]);
    // Every byte arrived as written, though the memory it was sent from was used again and again.
    expect(await query(`select count(*)::int as altered from fdp_q1_facts where c_label <> 'row ' || c_id || ', "quoted"' || chr(10) || 'second line'`)).toEqual([{ altered: 0 }]);
  });

  it('hands the records after a block PostgreSQL refuses to the casting path, keeping the blocks before it once', async () => {
    const columns = columnsFor([{ name: 'id', type: 'integer' }, { name: 'amount', type: 'number' }]);
    // Row 250 has grouped thousands: PostgreSQL refuses them, the casting path reads them.
    const rows = Array.from({ length: 300 }, (_, i) => (i + 1 === 250 ? '250,"40,800,000"\n' : `${i + 1},${i + 1}.5\n`));
    const loader = new PostgresTableLoader(orm, 1000, undefined, 2, 64, 256);
    const progress: number[] = [];
    expect(await loader.load(target('fdp_q2', columns), () => [`id,amount\n${rows.join('')}`], (count) => progress.push(count))).toEqual({ rows: 300, resumedAt: 0, parsedBy: 'conductor' });
    // PostgreSQL committed blocks before the refused one; the casting path went on after them.
    expect(progress[0]).toBeGreaterThan(0);
    expect(progress[0]).toBeLessThan(250);
    await publish(loader, 'fdp_q2');
    expect(await query('select count(*)::int as rows, count(distinct c_id)::int as ids, sum(c_id)::int as total, max(c_amount)::text as largest from fdp_q2_facts')).toEqual([
      { rows: 300, ids: 300, total: 45150, largest: '40800000' },
    ]);
    // The casting path numbers on from where PostgreSQL's blocks stopped: no gap where the refused block was.
    expect(await query('select count(*)::int as misnumbered from fdp_q2_facts where "_id" <> c_id')).toEqual([{ misnumbered: 0 }]);
  });

  it('reads other dialects: semicolons, a BOM, CRLF, quoted delimiters, latin-1, no header row', async () => {
    const csv = '\uFEFFname;amount;day\r\n"Smith; John";12.5;2024-01-31\r\nDoe;-3;\r\n';
    const columns = columnsFor([{ name: 'name', type: 'string' }, { name: 'amount', type: 'number' }, { name: 'day', type: 'date' }]);
    expect((await new PostgresTableLoader(orm).load(target('fdp_c3', columns, csvDialectOf({ dialect: { delimiter: ';' } })), () => [csv], ignore)).rows).toBe(2);
    await publish(new PostgresTableLoader(orm), 'fdp_c3');
    expect(await query('select c_name as name, c_amount::text as amount, c_day::text as day from fdp_c3_facts order by c_name')).toEqual([
      { name: 'Doe', amount: '-3', day: null },
      { name: 'Smith; John', amount: '12.5', day: '2024-01-31' },
    ]);
    const latin = Buffer.from('Peña;1;2015-01-02\n', 'latin1');
    const dialect = csvDialectOf({ encoding: 'iso-8859-1', dialect: { delimiter: ';', header: false } });
    expect((await new PostgresTableLoader(orm).load(target('fdp_d4', columns, dialect), () => [latin], ignore)).rows).toBe(1);
    await publish(new PostgresTableLoader(orm), 'fdp_d4');
    expect(await query('select c_name as name from fdp_d4_facts')).toEqual([{ name: 'Peña' }]);
  });

  it('refuses a header that does not match the schema, malformed CSV, a wrong number of values, an empty file, and unsafe names', async () => {
    const columns = columnsFor([{ name: 'a', type: 'string' }, { name: 'b', type: 'string' }]);
    const load = (text: string, prefix = 'fdp_e5') => new PostgresTableLoader(orm).load(target(prefix, columns), () => [text], ignore);
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
    await new PostgresTableLoader(orm).load(target('fdp_f6', columns), () => [`${header}"a\\tb\\\\n\ttab",'); select 1; --\n`], ignore);
    await publish(new PostgresTableLoader(orm), 'fdp_f6');
    expect(await query('select c_name_drop_table_x as first, c_name as second from fdp_f6_facts')).toEqual([{ first: 'a\\tb\\\\n\ttab', second: "'); select 1; --" }]);
  });
});
