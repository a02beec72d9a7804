import { sniffDelimiter } from '../../core/packages/csv-dialect.js';
import type { TableLoadTarget } from '../../ports/table-loader.js';
import { csvRecordBatches } from '../csv/csv-records.js';

/**
 * When PostgreSQL can read a resource's CSV itself (`COPY … (FORMAT csv)`),
 * the loader streams the file's bytes straight in: no parsing or casting in
 * Node. That is when every field is of a type PostgreSQL reads as Table
 * Schema means it with no rules attached (string, integer, number, boolean,
 * an ISO date), missing values are only the empty cell, and the encoding is
 * one PostgreSQL converts. Anything PostgreSQL then refuses (a "nfp" marker,
 * `40,800,000`, a date in another form, a wrong number of cells) sends the
 * resource to the casting path, which reads what it can and names the row
 * and column of what it cannot.
 */

// Table Schema encodings (normalised WHATWG labels) → PostgreSQL's names. WHATWG reads latin-1 as windows-1252.
const postgresEncodings: Record<string, string> = { 'utf-8': 'UTF8', 'windows-1252': 'WIN1252' };
const nativeTypes = new Set(['string', 'integer', 'number', 'boolean', 'date']);

/** The COPY options for the target, or undefined when PostgreSQL cannot read it as Table Schema would. */
export function nativeCopyEncoding(target: TableLoadTarget): string | undefined {
  const { dialect, columns, missingValues } = target;
  const encoding = postgresEncodings[dialect.encoding];
  if (!encoding || dialect.skipInitialSpace) return undefined;
  // COPY takes one-byte delimiter, quote and escape characters (and the record counter reads single bytes).
  if ([dialect.delimiter ?? ',', dialect.quoteChar, dialect.escapeChar].some((char) => char.charCodeAt(0) > 127)) return undefined;
  if (missingValues && !(missingValues.length === 1 && missingValues[0] === '')) return undefined;
  for (const { type, rules } of columns) {
    if (!nativeTypes.has(type)) return undefined;
    if ((rules.format && rules.format !== 'default') || rules.groupChar || (rules.decimalChar && rules.decimalChar !== '.') || rules.bareNumber === false || rules.trueValues || rules.falseValues) return undefined;
  }
  return encoding;
}

/** A single character as a SQL string literal. */
const literal = (char: string) => `'${char.replaceAll("'", "''")}'`;

/** The COPY statement for the CSV's numbered records (its header already taken off), every empty cell — quoted or not — NULL. */
export function nativeCopySql(aside: string, target: TableLoadTarget, delimiter: string, encoding: string): string {
  const columns = target.columns.map((column) => `"${column.column}"`).join(', ');
  const { quoteChar, escapeChar } = target.dialect;
  // `_id` comes first in every record (RecordNumberer).
  return `copy "${aside}" ("_id", ${columns}) from stdin with (format csv, delimiter ${literal(delimiter)}, quote ${literal(quoteChar)}, escape ${literal(escapeChar)}, encoding '${encoding}', force_null (${columns}))`;
}

/** The header line of a CSV and what follows it, as read from the start of a byte stream. */
export interface SplitHeader {
  /** The first record's cells (BOM dropped), or undefined when the file has no line end in its first MiB. */
  header: string[] | undefined;
  delimiter: string;
  /** The bytes after the header line: the rest of the first chunks, then the stream. */
  rest: AsyncGenerator<Uint8Array>;
}

const maxHeaderBytes = 1024 * 1024;

/** Takes the header line off a stream of bytes (the first record, read as the casting path reads it). */
export async function splitHeader(source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>, target: TableLoadTarget): Promise<SplitHeader> {
  const iterator = (Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : (source as Iterable<Uint8Array | string>)[Symbol.iterator]()) as AsyncIterator<Uint8Array | string>;
  const encoder = new TextEncoder();
  let head = new Uint8Array(0);
  let lineEnd = -1;
  let done = false;
  while (lineEnd < 0 && head.byteLength <= maxHeaderBytes) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const bytes = typeof next.value === 'string' ? encoder.encode(next.value) : next.value;
    const joined = new Uint8Array(head.byteLength + bytes.byteLength);
    joined.set(head);
    joined.set(bytes, head.byteLength);
    head = joined;
    lineEnd = head.indexOf(10);
  }
  const headerBytes = lineEnd >= 0 ? head.subarray(0, lineEnd + 1) : done ? head : undefined;
  const firstLine = headerBytes ? new TextDecoder(target.dialect.encoding).decode(headerBytes).replace(/^\uFEFF/, '').replace(/\r?\n$/, '') : '';
  const delimiter = target.dialect.delimiter ?? sniffDelimiter(firstLine, target.dialect.quoteChar, target.columns.length);
  let header: string[] | undefined;
  if (headerBytes) {
    for await (const records of csvRecordBatches([headerBytes], { ...target.dialect, delimiter }, { expectedFields: target.columns.length })) {
      header ??= records[0];
    }
  }
  const remainder = lineEnd >= 0 ? head.subarray(lineEnd + 1) : new Uint8Array(0);
  async function* rest(): AsyncGenerator<Uint8Array> {
    if (remainder.byteLength) yield remainder;
    if (done) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield typeof next.value === 'string' ? encoder.encode(next.value) : next.value;
  }
  return { header, delimiter, rest: rest() };
}

/**
 * Counts CSV records in raw bytes without parsing them: a record ends at a
 * line feed outside quotes. That is enough to split a file into COPY
 * transactions at record boundaries and to skip the records a resumed load
 * committed before (as timescaledb-parallel-copy splits its input). Line
 * feeds and quotes are single bytes in UTF-8 and windows-1252 alike.
 */
export class RecordCounter {
  private quoted = false;
  private escaping = false;

  constructor(
    private readonly quote: number,
    private readonly escape: number,
  ) {}

  /**
   * Counts up to `wanted` record ends in `bytes`: how many, and the offset
   * just after the last one counted (and after each one, into `ends`).
   * Outside quotes it runs to the next quote or line feed, inside them to the next quote or escape, with the
   * state in locals: two comparisons a byte (about twice as fast here as one
   * loop that branches on the state at every byte, and faster than indexOf
   * per quote and line feed). With quotes escaped by doubling, a doubled
   * quote closes and reopens them.
   */
  count(bytes: Uint8Array, wanted: number, ends?: number[]): { records: number; end: number } {
    const quote = this.quote;
    // -1 never equals a byte: with doubled quotes there is no escape to look for.
    const escape = this.escape === this.quote ? -1 : this.escape;
    const length = bytes.length;
    let quoted = this.quoted;
    let escaping = this.escaping;
    let records = 0;
    let end = 0;
    let i = 0;
    while (i < length) {
      let byte = 0;
      if (escaping) {
        // The escaped byte, whatever it is.
        escaping = false;
        i += 1;
      } else if (quoted) {
        while (i < length && (byte = bytes[i] as number) !== quote && byte !== escape) i += 1;
        if (i === length) break;
        i += 1;
        if (byte === quote) quoted = false;
        else escaping = true;
      } else {
        while (i < length && (byte = bytes[i] as number) !== quote && byte !== 10) i += 1;
        if (i === length) break;
        i += 1;
        if (byte === quote) quoted = true;
        else {
          records += 1;
          end = i;
          ends?.push(i);
          if (records === wanted) break;
        }
      }
    }
    this.quoted = quoted;
    this.escaping = escaping;
    return { records, end };
  }
}

/**
 * Puts each record's number and the delimiter in front of it, so COPY reads
 * `_id` as the first column: the number of the record in the dataset's
 * files, whichever connection loads it and whichever attempt. PostgreSQL
 * then reads `_id` from the data instead of taking it from a sequence: in
 * a two-stream COPY of 1M rows the shared sequence cost the two backends
 * about a fifth of their time, and it numbered the rows of two blocks
 * loaded at once in turn. Digits and the delimiter are one byte each in
 * UTF-8 and windows-1252 alike.
 */
export class RecordNumberer {
  private readonly counter: RecordCounter;
  /** The next byte begins a record (the start of the records, or just after a record's line feed). */
  private atRecordStart = true;
  private readonly ends: number[] = [];
  /** The next record's number, and its decimal digits, counted up in place (cheaper than formatting each number). */
  private next: number;
  private digits: Uint8Array;

  constructor(
    quote: number,
    escape: number,
    private readonly delimiter: number,
    /** The number of the first record given. */
    first: number,
    /** Memory for the numbered bytes (the loader reuses what PostgreSQL has read: BlockSlabs). */
    private readonly allocate: (size: number) => Uint8Array = (size) => new Uint8Array(size),
  ) {
    this.counter = new RecordCounter(quote, escape);
    this.next = first;
    this.digits = new TextEncoder().encode(String(first));
  }

  /** The bytes with every record that begins in them numbered, and the offset in them just after each record's line feed. */
  number(bytes: Uint8Array): { bytes: Uint8Array; ends: number[] } {
    const ends = this.ends;
    ends.length = 0;
    this.counter.count(bytes, Number.POSITIVE_INFINITY, ends);
    const length = bytes.length;
    if (length === 0) return { bytes, ends };
    // Records begin at 0 (when the one before ended in the last bytes) and after every line feed but a last one.
    const startsAfterLast = ends.length > 0 && ends[ends.length - 1] === length;
    const starts = ends.length + (this.atRecordStart ? 1 : 0) - (startsAfterLast ? 1 : 0);
    // Room for every number as long as the last one given here. The bytes go to its end first and each
    // record is then moved into place behind its number (copyWithin: no object per record for the GC).
    const room = starts * (String(this.next + starts).length + 1);
    const out = this.allocate(length + room);
    out.set(bytes, room);
    let read = 0;
    let written = 0;
    for (let k = 0; k <= ends.length; k++) {
      const end = k < ends.length ? (ends[k] as number) : length;
      if (read === end) break;
      // The segment read..end is a record or the tail of one begun in earlier bytes.
      if (k > 0 || this.atRecordStart) {
        const digits = this.digits;
        for (let i = 0; i < digits.length; i++) out[written++] = digits[i] as number;
        out[written++] = this.delimiter;
        this.countUp();
      }
      out.copyWithin(written, room + read, room + end);
      written += end - read;
      if (k < ends.length) ends[k] = written;
      read = end;
    }
    this.atRecordStart = startsAfterLast;
    return { bytes: out.subarray(0, written), ends };
  }

  /** Adds one to the number and its decimal digits. */
  private countUp(): void {
    this.next += 1;
    const digits = this.digits;
    for (let i = digits.length - 1; i >= 0; i--) {
      if (digits[i] !== 57) {
        digits[i] = (digits[i] as number) + 1;
        return;
      }
      digits[i] = 48;
    }
    const longer = new Uint8Array(digits.length + 1);
    longer.set(digits, 1);
    longer[0] = 49;
    this.digits = longer;
  }
}
