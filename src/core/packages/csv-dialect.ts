import { CoreError } from '../errors.js';

/** How a resource's CSV is written (CSV Dialect spec, plus the resource's `encoding`). */
export interface CsvDialect {
  /** Undefined when the descriptor does not say: it is then sniffed from the first line (as tabulator did for the reference). */
  delimiter?: string;
  quoteChar: string;
  /** The character that escapes a quote inside a quoted field: the quote itself when `doubleQuote` (the default). */
  escapeChar: string;
  /** Whether the first row names the fields. */
  header: boolean;
  skipInitialSpace: boolean;
  /** A WHATWG encoding label, normalised (e.g. `utf-8`, `windows-1252`). */
  encoding: string;
}

export const defaultCsvDialect: CsvDialect = { quoteChar: '"', escapeChar: '"', header: true, skipInitialSpace: false, encoding: 'utf-8' };

function oneCharacter(dialect: Record<string, unknown>, key: string, fallback: string): string {
  const value = dialect[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value.length !== 1 || value === '\n' || value === '\r') {
    throw new CoreError('invalid-argument', `dialect.${key} must be a single character other than a line break`);
  }
  return value;
}

function flag(dialect: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const value = dialect[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new CoreError('invalid-argument', `dialect.${key} must be true or false`);
  return value;
}

/**
 * The dialect of a resource, from its `dialect` and `encoding` properties.
 * `lineTerminator` is not needed: `\n`, `\r\n` and `\r` are all recognised.
 */
export function csvDialectOf(resource: Record<string, unknown>): CsvDialect {
  const raw = resource.dialect ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new CoreError('invalid-argument', 'dialect must be an object');
  const dialect = raw as Record<string, unknown>;
  const delimiter = dialect.delimiter === undefined ? undefined : oneCharacter(dialect, 'delimiter', ',');
  const quoteChar = oneCharacter(dialect, 'quoteChar', '"');
  const doubleQuote = flag(dialect, 'doubleQuote', true);
  if (!doubleQuote && dialect.escapeChar === undefined) throw new CoreError('invalid-argument', 'dialect.escapeChar is required when doubleQuote is false');
  const escapeChar = doubleQuote && dialect.escapeChar === undefined ? quoteChar : oneCharacter(dialect, 'escapeChar', quoteChar);
  if (delimiter === quoteChar) throw new CoreError('invalid-argument', 'dialect.delimiter and dialect.quoteChar must differ');
  return { ...(delimiter ? { delimiter } : {}), quoteChar, escapeChar, header: flag(dialect, 'header', true), skipInitialSpace: flag(dialect, 'skipInitialSpace', false), encoding: encodingOf(resource.encoding) };
}

function encodingOf(value: unknown): string {
  if (value === undefined) return 'utf-8';
  if (typeof value !== 'string') throw new CoreError('invalid-argument', 'encoding must be a string');
  try {
    // TextDecoder knows every WHATWG encoding label and normalises it.
    return new TextDecoder(value).encoding;
  } catch {
    throw new CoreError('invalid-argument', `encoding ${JSON.stringify(value.slice(0, 40))} is not a known character encoding`);
  }
}

const candidateDelimiters = [',', ';', '\t', '|'];

/**
 * The delimiter of a CSV whose descriptor does not name one, from its first
 * line: the candidate (`,` `;` tab `|`) that splits it into the expected
 * number of fields, else the most frequent one outside quotes, else `,`.
 */
export function sniffDelimiter(firstLine: string, quoteChar: string, expectedFields?: number): string {
  const counts = new Map(candidateDelimiters.map((candidate) => [candidate, 0]));
  let quoted = false;
  for (const char of firstLine) {
    if (char === quoteChar) quoted = !quoted;
    else if (!quoted && counts.has(char)) counts.set(char, (counts.get(char) ?? 0) + 1);
  }
  const exact = candidateDelimiters.find((candidate) => expectedFields !== undefined && (counts.get(candidate) ?? 0) + 1 === expectedFields);
  if (exact) return exact;
  const [best, count] = [...counts].reduce((top, entry) => (entry[1] > top[1] ? entry : top));
  return count > 0 ? best : ',';
}
