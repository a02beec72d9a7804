import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { MikroORM } from '@mikro-orm/postgresql';
import { parse } from 'csv-parse';
import { from as copyFrom } from 'pg-copy-streams';
import { CoreError } from '../../core/errors.js';
import type { LoadColumn } from '../../core/packages/column-names.js';
import { castCell, columnTypeOf } from '../../core/packages/table-schema-cast.js';

export { columnsFor, type LoadColumn } from '../../core/packages/column-names.js';

/** CSV dialect from the descriptor (CSV Dialect spec). */
export interface CsvDialect {
  delimiter?: string;
  quoteChar?: string;
}

const identifier = /^[a-z_][a-z0-9_]{0,62}$/;

/** COPY's text format: backslash, tab, newline and carriage return escaped; null as \N. */
function copyText(value: string | null): string {
  if (value === null) return '\\N';
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/**
 * Streams a CSV into a new table with COPY (constant memory), casting every
 * cell per its Table Schema type. The rows go into `<table>__loading`; only
 * when all arrived is the old table dropped and the new one renamed, in one
 * transaction: readers see the old rows or the new ones, never a part.
 * Returns the number of rows loaded.
 */
export async function loadCsvIntoTable(
  orm: MikroORM,
  target: { table: string; columns: LoadColumn[] },
  source: Readable,
  dialect: CsvDialect = {},
  onProgress?: (rows: number) => void,
): Promise<number> {
  if (!identifier.test(target.table) || target.table.length > 50) throw new Error(`unsafe table name ${JSON.stringify(target.table)}`);
  for (const { column } of target.columns) if (!identifier.test(column)) throw new Error(`unsafe column name ${JSON.stringify(column)}`);
  const loading = `${target.table}__loading`;
  const pool = await orm.em.getConnection().getNativeClient();
  const client = await pool.connect();
  let rows = 0;
  try {
    await client.query('begin');
    await client.query(`drop table if exists "${loading}"`);
    await client.query(`create table "${loading}" (${target.columns.map((c) => `"${c.column}" ${columnTypeOf[c.type] ?? 'text'}`).join(', ')})`);
    const expected = target.columns.map((c) => c.field);
    let header = true;
    // Lines are sent to COPY in batches: one stream write per row cost more than the casting.
    let batch: string[] = [];
    const toCopy = new Transform({
      writableObjectMode: true,
      flush(done) {
        done(null, batch.length ? batch.join('') : undefined);
      },
      transform(record: string[], _encoding, done) {
        try {
          if (header) {
            header = false;
            if (record.length !== expected.length || record.some((name, i) => name.trim() !== expected[i])) {
              throw new CoreError('invalid-argument', `The CSV header ${JSON.stringify(record.slice(0, 20))} does not match the schema's fields ${JSON.stringify(expected.slice(0, 20))}`);
            }
            return done();
          }
          rows += 1;
          const line = target.columns.map((c, i) => copyText(castCell(c.type, record[i] ?? '', { row: rows, column: c.field }))).join('\t');
          if (onProgress && rows % 10_000 === 0) onProgress(rows);
          batch.push(`${line}\n`);
          if (batch.length < 1000) return done();
          const chunk = batch.join('');
          batch = [];
          done(null, chunk);
        } catch (error) {
          done(error as Error);
        }
      },
    });
    const parser = parse({ bom: true, delimiter: dialect.delimiter ?? ',', quote: dialect.quoteChar ?? '"', relax_column_count: false, skip_empty_lines: true });
    await pipeline(source, parser, toCopy, client.query(copyFrom(`copy "${loading}" (${target.columns.map((c) => `"${c.column}"`).join(', ')}) from stdin`)));
    await client.query(`drop table if exists "${target.table}"`);
    await client.query(`alter table "${loading}" rename to "${target.table}"`);
    await client.query('commit');
    onProgress?.(rows);
    return rows;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    if (error instanceof CoreError) throw error;
    const message = (error as Error).message;
    // csv-parse reports malformed CSV with its own codes; those are the file's fault, not ours.
    if ((error as { code?: string }).code?.startsWith('CSV_')) throw new CoreError('invalid-argument', `Malformed CSV: ${message}`);
    throw error;
  } finally {
    client.release();
  }
}
