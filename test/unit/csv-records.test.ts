/** Reading CSV records: dialects, encodings, chunk boundaries, and hostile input. */
import { describe, expect, it } from 'vitest';
import { csvRecordBatches } from '../../src/adapters/csv/csv-records.ts';
import { csvDialectOf, defaultCsvDialect, type CsvDialect } from '../../src/core/packages/csv-dialect.ts';

async function records(source: Iterable<Uint8Array | string>, dialect: CsvDialect = defaultCsvDialect, maxRecordChars?: number, expectedFields?: number): Promise<string[][]> {
  const all: string[][] = [];
  for await (const batch of csvRecordBatches((async function* () { yield* source; })(), dialect, { maxRecordChars, expectedFields })) all.push(...batch);
  return all;
}

/** Splits bytes into chunks of `size` (so multi-byte characters and records straddle chunk boundaries). */
function chunks(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
  return out;
}

describe('csvRecordBatches', () => {
  it('reads quoted fields with delimiters, quotes and line breaks, CRLF, a BOM, and skips empty lines', async () => {
    const csv = '\uFEFFa,b\r\n"x, y","he said ""hi"""\r\n\r\n"multi\r\nline",2\r\n';
    expect(await records([csv])).toEqual([['a', 'b'], ['x, y', 'he said "hi"'], ['multi\r\nline', '2']]);
  });

  it('gives the same records whatever the chunk size, with multi-byte characters split between chunks', async () => {
    const csv = 'Датум,Буџет,AÑO\n"Раздел, први",12.5,2015\nЌ,"дв""а",2016\n';
    const bytes = new TextEncoder().encode(csv);
    const whole = await records([bytes]);
    expect(whole).toEqual([['Датум', 'Буџет', 'AÑO'], ['Раздел, први', '12.5', '2015'], ['Ќ', 'дв"а', '2016']]);
    for (const size of [1, 2, 3, 7, 64]) expect(await records(chunks(bytes, size)), `chunks of ${size}`).toEqual(whole);
  });

  it('gathers socket-sized chunks before parsing, so per-parse costs do not grow with the number of chunks', async () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `${i},"item ${i}"\n`).join('');
    const bytes = new TextEncoder().encode(lines);
    const batches: string[][][] = [];
    for await (const batch of csvRecordBatches(chunks(bytes, 1024), defaultCsvDialect)) batches.push(batch);
    expect(bytes.length).toBeGreaterThan(20 * 1024);
    expect(bytes.length).toBeLessThan(64 * 1024);
    expect(batches).toHaveLength(1);
    expect(batches.flat()).toHaveLength(2000);
    expect(batches.flat()[1999]).toEqual(['1999', 'item 1999']);
  });

  it('reads the descriptor dialect: semicolons, single quotes, a backslash escape, no header, leading spaces', async () => {
    const dialect = csvDialectOf({ dialect: { delimiter: ';', quoteChar: "'", doubleQuote: false, escapeChar: '\\', header: false, skipInitialSpace: true } });
    expect(dialect).toMatchObject({ delimiter: ';', quoteChar: "'", escapeChar: '\\', header: false, skipInitialSpace: true });
    expect(await records(["'it\\'s; fine';  2\nplain; 3\n"], dialect)).toEqual([["it's; fine", '2'], ['plain', '3']]);
  });

  it('decodes the resource encoding (windows-1252, UTF-16 with its BOM), and CR-only line ends', async () => {
    const latin = Uint8Array.from([0x41, 0xd1, 0x4f, 0x0d, 0x43, 0x61, 0x66, 0xe9, 0x0d]); // "AÑO\rCafé\r"
    expect(await records([latin], csvDialectOf({ encoding: 'windows-1252' }))).toEqual([['AÑO'], ['Café']]);
    const utf16 = new Uint8Array([0xff, 0xfe, ...[...'n\nü\n'].flatMap((c) => [c.charCodeAt(0), 0])]);
    expect(await records(chunks(utf16, 3), csvDialectOf({ encoding: 'utf-16le' }))).toEqual([['n'], ['ü']]);
  });

  it('fails clearly on bytes that are not of the encoding, an unclosed quote, and an endless record', async () => {
    await expect(records([Uint8Array.from([0x61, 0x0a, 0xff, 0xfe, 0x0a])])).rejects.toThrow(/not valid utf-8: a bad byte sequence in bytes 0–5/);
    await expect(records(['a,b\n"open,2\n'])).rejects.toThrow(/Malformed CSV at record 2: .*[Qq]uote/);
    await expect(records(['a\n"', 'x'.repeat(2000), 'y'.repeat(2000)], defaultCsvDialect, 1000)).rejects.toThrow(/longer than 1000 characters/);
  });

  it('sniffs the delimiter from the first line when the descriptor names none', async () => {
    expect(await records(['\uFEFFДатум;Буџет;"a,b"\n2014-01-01;17299000;x\n'])).toEqual([['Датум', 'Буџет', 'a,b'], ['2014-01-01', '17299000', 'x']]);
    expect(await records(['a\tb\n1\t2\n'])).toEqual([['a', 'b'], ['1', '2']]);
    // With the field count known, the candidate that yields it wins over a more frequent one.
    expect(await records(['a;b,c;d\n'], defaultCsvDialect, undefined, 2)).toEqual([['a;b', 'c;d']]);
    expect(await records(['single\n1\n'])).toEqual([['single'], ['1']]);
  });

  it('refuses dialects it cannot read', () => {
    expect(() => csvDialectOf({ dialect: { delimiter: ';;' } })).toThrow(/dialect.delimiter must be a single character/);
    expect(() => csvDialectOf({ dialect: { delimiter: '\n' } })).toThrow(/single character/);
    expect(() => csvDialectOf({ dialect: { doubleQuote: false } })).toThrow(/escapeChar is required/);
    expect(() => csvDialectOf({ dialect: { delimiter: '"' } })).toThrow(/must differ/);
    expect(() => csvDialectOf({ dialect: { header: 'yes' } })).toThrow(/header must be true or false/);
    expect(() => csvDialectOf({ dialect: 'excel' })).toThrow(/dialect must be an object/);
    expect(() => csvDialectOf({ encoding: 'klingon-8' })).toThrow(/not a known character encoding/);
    expect(csvDialectOf({ encoding: 'latin1' }).encoding).toBe('windows-1252');
  });
});
