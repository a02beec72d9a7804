import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Pool, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { CoreError } from '../../core/errors.js';
import { casterFor, columnTypeOf } from '../../core/packages/table-schema-cast.js';
import { resourceIndexIn } from '../../core/packages/table-names.js';
import type { OpenSource, TableLoader, TableLoadResult, TableLoadTarget, TablePublication } from '../../ports/table-loader.js';
import { csvRecordBatches, defaultGatherChars } from '../csv/csv-records.js';
import { nativeCopyEncoding, nativeCopySql, RecordCounter, RecordNumberer, splitHeader } from './native-csv-copy.js';
import { cancelCopy } from './cancel-copy.js';
import { OrderedCopyBlocks } from './ordered-copy-blocks.js';
import { BlockSlabs } from './block-slabs.js';

const identifier = /^[a-z_][a-z0-9_]{0,62}$/;
const needsEscape = /[\\\t\n\r]/;

/** A text value in COPY's text format: backslash, tab, newline and carriage return escaped. */
function copyText(value: string): string {
  if (!needsEscape.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/**
 * Streams CSV into PostgreSQL with COPY, in constant memory: PostgreSQL
 * reads the CSV itself where it can, otherwise every cell is cast per its
 * Table Schema type here.
 *
 * Every resource of a dataset goes into one fact table, aside as
 * `<table>__loading` (an `_id` column first: the row's number in the
 * dataset's files, resource after resource, given by the loader),
 * committed in transactions of at most `checkpointRows` rows together with
 * the resource's checkpoint row (`package_load_checkpoints`) in the same
 * transaction. A retry of the same load (same `loadId`) after a crash skips
 * the resource's committed rows and goes on, so each row lands exactly once;
 * a resource with no checkpoint of this load has no rows in the table yet.
 * `publish` then gives the table its primary key (`buildKey`, before and
 * outside the swap) and swaps it in, in one transaction with the dataset row: readers see the old dataset or the new
 * one, never a part.
 */
export class PostgresTableLoader implements TableLoader {
  constructor(
    private readonly orm: MikroORM,
    private readonly checkpointRows = 250_000,
    /** How much CSV text is parsed at a time (see csvRecordBatches); tests make it small to checkpoint between few rows. */
    private readonly gatherChars = defaultGatherChars,
    /** COPY streams at once when PostgreSQL reads the file itself (each is one backend's CPU; see OrderedCopyBlocks). */
    private readonly copyStreams = 2,
    /** Bytes of records per transaction when PostgreSQL reads the file itself: the unit handed to one stream. */
    private readonly blockBytes = 4 * 1024 * 1024,
    /** Memory the numbered records are cut from, reused once their blocks commit (BlockSlabs). */
    private readonly slabBytes = 1024 * 1024,
  ) {}

  async load(target: TableLoadTarget, source: OpenSource, onProgress: (rowsCommitted: number) => void): Promise<TableLoadResult> {
    checkNames(target.prefix, target.table, target.checkpointKey);
    for (const { column } of target.columns) if (!identifier.test(column) || column === '_id') throw new Error(`unsafe column name ${JSON.stringify(column)}`);
    const aside = `${target.table}__loading`;
    const pool = await this.orm.em.getConnection().getNativeClient();
    const client = await pool.connect();
    try {
      const { resumedAt, rowsBefore } = await this.prepare(client, target, aside);
      // PostgreSQL reads the file itself where it can; the casting path takes over where it cannot.
      const encoding = nativeCopyEncoding(target);
      let from = resumedAt;
      if (encoding) {
        const native = await this.copyNative(pool, client, target, aside, source(), encoding, rowsBefore, resumedAt, onProgress);
        if (native.done) return { rows: native.rows, resumedAt, parsedBy: 'postgresql' };
        from = native.committed;
      }
      const rows = await this.copyRows(client, target, aside, source(), rowsBefore, from, onProgress);
      return { rows, resumedAt, parsedBy: 'conductor' };
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      // Bad input will not load on a retry either: nothing of the load is kept. Other
      // failures (a lost connection, a crash) keep the committed rows to resume from.
      if (error instanceof CoreError) await this.discardAside(client, target.prefix, aside).catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * The rows an earlier attempt of this load committed for this resource (0
   * when none), and the rows of the resources before it (loaded one after
   * another: their `_id`s come first). The aside table belongs to this load
   * while a checkpoint of the load exists; otherwise it is made afresh, dropping whatever another
   * load left.
   */
  private async prepare(client: PoolClient, target: TableLoadTarget, aside: string): Promise<{ resumedAt: number; rowsBefore: number }> {
    const { rows: checkpoints } = await client.query<{ table_name: string; load_id: string; rows_committed: string }>(
      "select table_name, load_id, rows_committed from package_load_checkpoints where table_name like $1 escape '\\'",
      [`${target.prefix}\\_%`],
    );
    const asideExists = (await client.query<{ found: string | null }>('select to_regclass($1) as found', [`"${aside}"`])).rows[0]?.found != null;
    const ofThisLoad = checkpoints.filter((checkpoint) => checkpoint.load_id === target.loadId);
    if (asideExists && ofThisLoad.length > 0) {
      const index = resourceIndexIn(target.checkpointKey, target.prefix);
      const rowsBefore = ofThisLoad.filter((checkpoint) => resourceIndexIn(checkpoint.table_name, target.prefix) < index).reduce((sum, checkpoint) => sum + Number(checkpoint.rows_committed), 0);
      const mine = ofThisLoad.find((checkpoint) => checkpoint.table_name === target.checkpointKey);
      if (mine) return { resumedAt: Number(mine.rows_committed), rowsBefore };
      await client.query('insert into package_load_checkpoints (table_name, load_id, rows_committed) values ($1, $2, 0)', [target.checkpointKey, target.loadId]);
      return { resumedAt: 0, rowsBefore };
    }
    await client.query('begin');
    await client.query(`drop table if exists "${aside}"`);
    await deleteCheckpoints(client, target.prefix);
    const columns = target.columns.map((c) => `"${c.column}" ${columnTypeOf[c.type] ?? 'text'}`);
    // The primary key is added when the load is published: building it once from the finished table cost
    // PostgreSQL less per row at 3M rows in bench:load than keeping it up to date during the COPY.
    // No autovacuum while the table fills: every block's commit counts towards its insert threshold, so it
    // would scan the growing table again and again beside the load. It is switched back on at the swap.
    await client.query(`create table "${aside}" ("_id" bigint not null, ${columns.join(', ')}) with (autovacuum_enabled = false)`);
    await client.query('insert into package_load_checkpoints (table_name, load_id, rows_committed) values ($1, $2, 0)', [target.checkpointKey, target.loadId]);
    await client.query('commit');
    return { resumedAt: 0, rowsBefore: 0 };
  }

  /**
   * The resource's bytes straight into COPY (FORMAT csv), split at record
   * boundaries into blocks of about `blockBytes` (at most `checkpointRows`
   * records), each a transaction with the resource's checkpoint, handed
   * round `copyStreams` connections and committed in file order
   * (OrderedCopyBlocks); a resumed load skips the records committed before.
   * `done` false when the header is not the schema's or PostgreSQL refuses a
   * value: the casting path then goes on after `committed` (the refused
   * block and those after it are rolled back).
   */
  private async copyNative(
    pool: Pool,
    client: PoolClient,
    target: TableLoadTarget,
    aside: string,
    source: ReturnType<OpenSource>,
    encoding: string,
    rowsBefore: number,
    resumedAt: number,
    onProgress: (rowsCommitted: number) => void,
  ): Promise<{ done: true; rows: number } | { done: false; committed: number }> {
    const { dialect, columns } = target;
    let records: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string> = source;
    let delimiter = dialect.delimiter;
    if (dialect.header) {
      const split = await splitHeader(source, target);
      if (!split.header || split.header.length !== columns.length || split.header.some((name, i) => name.trim() !== columns[i]?.field)) return { done: false, committed: resumedAt };
      records = split.rest;
      delimiter = split.delimiter;
    }
    if (!delimiter) return { done: false, committed: resumedAt };
    const copySql = nativeCopySql(aside, target, delimiter, encoding);
    const [quote, escape] = [dialect.quoteChar.charCodeAt(0), dialect.escapeChar.charCodeAt(0)];
    const counter = new RecordCounter(quote, escape);
    const slabs = new BlockSlabs(this.slabBytes);
    const numberer = new RecordNumberer(quote, escape, delimiter.charCodeAt(0), rowsBefore + resumedAt + 1, (size) => slabs.allocate(size));
    const encoder = new TextEncoder();
    const spare = await spareClients(pool, this.copyStreams - 1);
    const blocks = new OrderedCopyBlocks([client, ...spare], copySql, resumedAt, this.blockBytes, (on, rows) => commitWithCheckpoint(on, target, rows), onProgress);
    // Records and bytes in the open block (a last record without a line feed is counted by PostgreSQL only).
    let blockRecords = 0;
    let blockBytes = 0;
    let skip = resumedAt;
    try {
      for await (const chunk of records) {
        let bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
        if (skip > 0) {
          const { records: skipped, end } = counter.count(bytes, skip);
          skip -= skipped;
          if (skip > 0) continue;
          bytes = bytes.subarray(end);
        }
        // A block ends at `checkpointRows` records, or at the first record end once it holds `blockBytes`.
        slabs.committed(blocks.committedBlocks);
        const numbered = numberer.number(bytes);
        let from = 0;
        for (const end of numbered.ends) {
          blockRecords += 1;
          if (blockRecords < this.checkpointRows && blockBytes + end - from < this.blockBytes) continue;
          await blocks.write(numbered.bytes.subarray(from, end));
          slabs.writtenTo(blocks.blockNumber);
          blocks.endBlock();
          blockRecords = 0;
          blockBytes = 0;
          from = end;
        }
        if (from < numbered.bytes.byteLength) {
          await blocks.write(numbered.bytes.subarray(from));
          slabs.writtenTo(blocks.blockNumber);
          blockBytes += numbered.bytes.byteLength - from;
        }
      }
      return { done: true, rows: await blocks.finish() };
    } catch (error) {
      // Open COPYs are cancelled and their transactions rolled back; blocks before the first failed one stay committed.
      const committed = await blocks.abort(error as Error);
      if (isDataError(blocks.error ?? error)) return { done: false, committed };
      throw error;
    } finally {
      for (const extra of spare) extra.release();
    }
  }

  private async copyRows(
    client: PoolClient,
    target: TableLoadTarget,
    aside: string,
    source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
    rowsBefore: number,
    resumedAt: number,
    onProgress: (rowsCommitted: number) => void,
  ): Promise<number> {
    const { columns, dialect } = target;
    // Only text columns can hold a tab, newline or backslash: every other type's cast value matches a strict pattern,
    // so its escaping check (a measurable per-cell cost in the bench:load profile) is skipped.
    const cells = columns.map((column) => ({ cast: casterFor(column.rules, target.missingValues), escaped: (columnTypeOf[column.type] ?? 'text') === 'text' }));
    const copySql = `copy "${aside}" ("_id", ${columns.map((c) => `"${c.column}"`).join(', ')}) from stdin`;
    let copy: ReturnType<typeof copyFrom> | undefined;
    // A COPY error can arrive between writes; it is kept and thrown at the next write or commit.
    let copyError: Error | undefined;
    let rows = 0;
    let committed = resumedAt;
    let expectHeader = dialect.header;

    const commit = async () => {
      if (!copy) return;
      copy.end();
      await finished(copy);
      copy = undefined;
      await commitWithCheckpoint(client, target, rows);
      committed = rows;
      onProgress(committed);
    };

    try {
      for await (const records of csvRecordBatches(source, dialect, { expectedFields: columns.length, gatherChars: this.gatherChars })) {
        let text = '';
        for (const record of records) {
          if (expectHeader) {
            expectHeader = false;
            checkHeader(record, columns.map((c) => c.field));
            continue;
          }
          rows += 1;
          // Rows up to the checkpoint were committed by an earlier attempt.
          if (rows <= resumedAt) continue;
          if (record.length !== columns.length) throw new CoreError('invalid-argument', `row ${rows} has ${record.length} values, but the schema has ${columns.length} fields`);
          let line = String(rowsBefore + rows);
          for (let i = 0; i < cells.length; i++) {
            const cell = cells[i] as (typeof cells)[number];
            const value = cell.cast(record[i] as string, rows);
            line += `\t${value === null ? '\\N' : cell.escaped ? copyText(value) : value}`;
          }
          text += `${line}\n`;
        }
        if (copyError) throw copyError;
        if (text) {
          if (!copy) {
            await client.query('begin');
            copy = client.query(copyFrom(copySql));
            copy.on('error', (error: Error) => (copyError ??= error));
          }
          if (!copy.write(text)) await once(copy, 'drain');
        }
        if (rows - committed >= this.checkpointRows) await commit();
      }
    } catch (error) {
      // An open COPY must be ended before the connection can roll back.
      if (copy) await cancelCopy(copy, error as Error);
      throw error;
    }
    if (expectHeader) throw new CoreError('invalid-argument', 'The CSV is empty: it has no header row');
    await commit();
    return rows;
  }

  async buildKey({ prefix, table }: Pick<TablePublication, 'prefix' | 'table'>): Promise<void> {
    checkNames(prefix, table);
    const aside = `${table}__loading`;
    const pool = await this.orm.em.getConnection().getNativeClient();
    const client = await pool.connect();
    try {
      const found = await client.query<{ keyed: boolean }>("select exists (select 1 from pg_constraint where conrelid = c.oid and contype = 'p') as keyed from (select to_regclass($1) as oid) c where c.oid is not null", [
        `"${aside}"`,
      ]);
      // No aside table: this load was published already (a retried activity).
      if (found.rows.length === 0 || found.rows[0]?.keyed) return;
      // Named after the aside table (the table in place holds `<table>_pkey`); the swap renames it.
      await client.query(`alter table "${aside}" add constraint "${aside}_pkey" primary key ("_id")`);
    } catch (error) {
      // Two attempts of one publication at once: the other one built it.
      if ((error as { code?: string }).code === '42P16') return;
      throw error;
    } finally {
      client.release();
    }
  }

  async publish(publication: TablePublication): Promise<void> {
    const { prefix, table, loadId, dataset } = publication;
    checkNames(prefix, table);
    const aside = `${table}__loading`;
    // The key is built before the swap's transaction, so readers of the dataset's current table never wait on it.
    await this.buildKey(publication);
    const pool = await this.orm.em.getConnection().getNativeClient();
    const client = await pool.connect();
    try {
      await client.query('begin');
      // Serialises publications of one dataset (a retried activity, say).
      await client.query('select pg_advisory_xact_lock(hashtext($1))', [prefix]);
      const existing = await this.tablesUnder(client, prefix);
      const pending = (await client.query<{ table_name: string }>('select table_name from package_load_checkpoints where load_id = $1', [loadId])).rows;
      // A retry after this load's publication committed finds nothing left to swap: done already.
      if (pending.length > 0) {
        if (!existing.includes(aside)) throw new Error(`${aside} is missing: the load cannot be published`);
        // Whatever the dataset had: the fact table of the last load, or (before the one fact table) a view over per-resource tables.
        await client.query(`drop view if exists "${prefix}_fact"`);
        for (const name of existing) if (name !== aside && name !== `${prefix}_fact`) await client.query(`drop table if exists "${name}"`);
        await client.query(`alter table "${aside}" rename constraint "${aside}_pkey" to "${table}_pkey"`);
        await client.query(`alter table "${aside}" rename to "${table}"`);
        await client.query(`alter table "${table}" reset (autovacuum_enabled)`);
        await deleteCheckpoints(client, prefix);
        await client.query(
          `insert into datasets (id, owner, title, description, stage, published, files) values ($1, $2, $3, $4, $5, $6, $7)
           on conflict (id) do update set owner = excluded.owner, title = excluded.title, description = excluded.description,
             stage = excluded.stage, published = excluded.published, files = excluded.files`,
          [dataset.id, dataset.owner, dataset.title, dataset.description, dataset.stage, dataset.published, JSON.stringify(dataset.files)],
        );
      }
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async discard(prefix: string): Promise<void> {
    checkNames(prefix);
    const pool = await this.orm.em.getConnection().getNativeClient();
    const client = await pool.connect();
    try {
      for (const name of await this.tablesUnder(client, prefix)) if (name.endsWith('__loading')) await client.query(`drop table if exists "${name}"`);
      await deleteCheckpoints(client, prefix);
    } finally {
      client.release();
    }
  }

  /** The dataset's tables and views (the prefix is hex; `_` escaped for LIKE). */
  private async tablesUnder(client: PoolClient, prefix: string): Promise<string[]> {
    const found = await client.query<{ name: string }>(
      "select table_name as name from information_schema.tables where table_schema = current_schema() and table_name like $1 escape '\\'",
      [`${prefix}\\_%`],
    );
    return found.rows.map((row) => row.name).filter((name) => identifier.test(name));
  }

  /** A failed load's aside fact table and all of its checkpoints. */
  private async discardAside(client: PoolClient, prefix: string, aside: string): Promise<void> {
    await client.query(`drop table if exists "${aside}"`);
    await deleteCheckpoints(client, prefix);
  }
}

/** Commits the open transaction together with the resource's checkpoint: its rows and the checkpoint land or neither does. */
async function commitWithCheckpoint(client: PoolClient, target: TableLoadTarget, rowsCommitted: number): Promise<void> {
  await client.query('update package_load_checkpoints set rows_committed = $2, updated_at = now() where table_name = $1 and load_id = $3', [target.checkpointKey, rowsCommitted, target.loadId]);
  await client.query('commit');
}

/**
 * Up to `count` more connections for parallel COPY streams, only those the
 * pool hands out at once: loads that each hold a connection and wait for
 * another on a full pool would wait for each other forever.
 */
async function spareClients(pool: Pool, count: number): Promise<PoolClient[]> {
  const clients: PoolClient[] = [];
  for (let i = 0; i < count; i++) {
    const pending = pool.connect();
    const waited = new AbortController();
    const client = await Promise.race([pending, sleep(250, undefined, { signal: waited.signal }).then(() => undefined, () => undefined)]);
    // The timer goes as soon as the pool answers (it would otherwise outlive every load by 250 ms).
    waited.abort();
    if (!client) {
      pending.then((late) => late.release(), () => undefined);
      break;
    }
    clients.push(client);
  }
  return clients;
}

/** Every checkpoint of a dataset's resources (`<prefix>_<n>`; the prefix is hex, `_` escaped for LIKE). */
function deleteCheckpoints(client: PoolClient, prefix: string) {
  return client.query("delete from package_load_checkpoints where table_name like $1 escape '\\'", [`${prefix}\\_%`]);
}

/** PostgreSQL refused a value (SQLSTATE class 22, data exception: a bad number, date or byte, a row of the wrong length). */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('22');
}

/** Table names are made by table-names.ts from a hash; anything else is refused before it reaches SQL. */
function checkNames(prefix: string, ...names: string[]): void {
  if (!/^fdp_[0-9a-z]+$/.test(prefix)) throw new Error(`unsafe table prefix ${JSON.stringify(prefix)}`);
  for (const name of names) {
    if (!identifier.test(name) || name.length > 50 || !name.startsWith(`${prefix}_`)) throw new Error(`unsafe table name ${JSON.stringify(name)}`);
  }
}

function checkHeader(record: string[], expected: string[]): void {
  if (record.length !== expected.length || record.some((name, i) => name.trim() !== expected[i])) {
    throw new CoreError('invalid-argument', `The CSV header ${JSON.stringify(record.slice(0, 20))} does not match the schema's fields ${JSON.stringify(expected.slice(0, 20))}`);
  }
}
