import Papa from 'papaparse';
import { CoreError } from '../../core/errors.js';
import { sniffDelimiter, type CsvDialect } from '../../core/packages/csv-dialect.js';

/** A record longer than this is refused: an unclosed quote would otherwise read the whole file into memory. */
export const defaultMaxRecordChars = 8 * 1024 * 1024;

/**
 * Text is parsed (and handed on) once this much has gathered. An object
 * store's response arrives in socket-sized chunks of a few KB, and each
 * parse and each COPY write has a fixed cost: loading from 4 KB chunks cost
 * twice the CPU per row of loading from 64 KB ones (larger gathered no more).
 */
export const defaultGatherChars = 64 * 1024;

export interface CsvReadOptions {
  /** A longer record fails the load (default {@link defaultMaxRecordChars}). */
  maxRecordChars?: number;
  /** The field count the schema expects, when known: it settles a sniffed delimiter. */
  expectedFields?: number;
  /** Text is parsed once this much has gathered (default {@link defaultGatherChars}). */
  gatherChars?: number;
}

/** The line ending of a text: the first `\r\n`, `\n` or `\r` in it, or undefined when none has arrived yet. */
function lineEndingOf(text: string): '\r\n' | '\n' | '\r' | undefined {
  const at = text.search(/[\r\n]/);
  if (at === -1 || (text[at] === '\r' && at === text.length - 1)) return undefined;
  if (text[at] === '\n') return '\n';
  return text[at + 1] === '\n' ? '\r\n' : '\r';
}

/**
 * The records of a CSV, in batches of about 64 KB of text: decoded per the
 * dialect's encoding (a BOM is dropped; bytes that are not of that encoding
 * fail), parsed by Papa Parse's core parser. Only the unfinished last record
 * of the text parsed is kept, so memory does not grow with the file.
 * Empty lines are skipped.
 */
export async function* csvRecordBatches(
  source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  dialect: CsvDialect,
  { maxRecordChars = defaultMaxRecordChars, expectedFields, gatherChars = defaultGatherChars }: CsvReadOptions = {},
): AsyncGenerator<string[][]> {
  const decoder = new TextDecoder(dialect.encoding, { fatal: true });
  let parser: Papa.Parser | undefined;
  let pending = '';
  let recordsBefore = 0;

  const parse = (final: boolean): string[][] => {
    if (!parser) {
      const newline = lineEndingOf(pending) ?? '\n';
      const lineEnd = pending.indexOf(newline);
      const delimiter = dialect.delimiter ?? sniffDelimiter(lineEnd === -1 ? pending : pending.slice(0, lineEnd), dialect.quoteChar, expectedFields);
      parser = new Papa.Parser({ delimiter, quoteChar: dialect.quoteChar, escapeChar: dialect.escapeChar, newline });
    }
    const result = parser.parse(pending, 0, !final) as Papa.ParseResult<string[]>;
    const [error] = result.errors;
    if (error) throw new CoreError('invalid-argument', `Malformed CSV at record ${recordsBefore + (error.row ?? 0) + 1}: ${error.message}`);
    pending = final ? '' : pending.slice(result.meta.cursor);
    const records = result.data;
    recordsBefore += records.length;
    const kept = records.filter((record) => !(record.length === 1 && record[0] === ''));
    return dialect.skipInitialSpace ? kept.map((record) => record.map((value) => value.trimStart())) : kept;
  };

  let bytesBefore = 0;
  const decode = (chunk: Uint8Array | string, final: boolean): string => {
    if (typeof chunk === 'string') return chunk;
    try {
      return decoder.decode(chunk, { stream: !final });
    } catch {
      throw new CoreError('invalid-argument', `The CSV is not valid ${dialect.encoding}: a bad byte sequence in bytes ${bytesBefore}–${bytesBefore + chunk.byteLength} (after record ${recordsBefore})`);
    } finally {
      bytesBefore += chunk.byteLength;
    }
  };

  const parseAt = Math.min(gatherChars, maxRecordChars);
  for await (const chunk of source) {
    pending += decode(chunk, false);
    // TextDecoder drops a BOM from bytes; text handed in as strings may still start with one.
    if (recordsBefore === 0 && !parser && pending.charCodeAt(0) === 0xfeff) pending = pending.slice(1);
    if (pending.length < parseAt) continue;
    // The parser needs the line ending, so it starts once the first line is complete.
    if (parser || lineEndingOf(pending)) {
      const records = parse(false);
      if (records.length > 0) yield records;
    }
    if (pending.length > maxRecordChars) throw new CoreError('invalid-argument', `A CSV record near record ${recordsBefore + 1} is longer than ${maxRecordChars} characters (an unclosed quote?)`);
  }
  pending += decode(new Uint8Array(), true);
  const records = parse(true);
  if (records.length > 0) yield records;
}
