import { describe, expect, it } from 'vitest';
import { RecordCounter } from '../../src/adapters/postgres/native-csv-copy.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('RecordCounter (record boundaries in raw CSV bytes)', () => {
  it('counts line feeds outside quotes only, across chunks, with doubled quotes', () => {
    const counter = new RecordCounter(34, 34);
    expect(counter.count(bytes('a,"x\ny",1\nb,"say ""hi'), 10)).toEqual({ records: 1, end: 10 });
    // Still inside the quotes opened in the last chunk.
    expect(counter.count(bytes('\n"" there",2\nc,3\n'), 10)).toEqual({ records: 2, end: 17 });
  });

  it('stops after the records wanted, so the rest goes to the next transaction', () => {
    const counter = new RecordCounter(34, 34);
    const text = bytes('1\n2\n3\n4\n');
    expect(counter.count(text, 2)).toEqual({ records: 2, end: 4 });
    expect(counter.count(text.subarray(4), 5)).toEqual({ records: 2, end: 4 });
  });

  it('reads another escape character inside quotes: an escaped quote does not close them', () => {
    const counter = new RecordCounter(34, 92);
    expect(counter.count(bytes('"a\\"\n",1\n"b\\\\",2\n'), 10)).toEqual({ records: 2, end: 17 });
  });

  it('agrees with a byte-by-byte reading on random CSV cut into random chunks, for both kinds of escaping', () => {
    // The rule, one byte at a time: what the counter must find, however the bytes are cut.
    const reference = (text: Uint8Array, quote: number, escape: number) => {
      const ends: number[] = [];
      let quoted = false;
      let escaping = false;
      text.forEach((byte, i) => {
        if (quoted) {
          if (escaping) escaping = false;
          else if (escape !== quote && byte === escape) escaping = true;
          else if (byte === quote) quoted = false;
        } else if (byte === quote) quoted = true;
        else if (byte === 10) ends.push(i + 1);
      });
      return ends;
    };
    let seed = 7;
    const random = (below: number) => ((seed = (seed * 48271) % 2147483647), seed % below);
    const alphabet = ['a', ',', '"', '\\', '\n', 'b', ' '];
    for (const [quote, escape] of [[34, 34], [34, 92]] as const) {
      for (let round = 0; round < 300; round++) {
        const text = bytes(Array.from({ length: 1 + random(80) }, () => alphabet[random(alphabet.length)]).join(''));
        const expected = reference(text, quote, escape);
        // One record at a time (as a transaction's end asks): every record end, in place.
        const singly = new RecordCounter(quote, escape);
        const found: number[] = [];
        // All at once per chunk: how many, and where the last one ends.
        const wholly = new RecordCounter(quote, escape);
        let counted = 0;
        for (let at = 0; at < text.length; ) {
          const chunk = text.subarray(at, at + 1 + random(9));
          for (let offset = 0; offset < chunk.length; ) {
            const { records, end } = singly.count(chunk.subarray(offset), 1);
            if (records === 0) break;
            offset += end;
            found.push(at + offset);
          }
          const { records, end } = wholly.count(chunk, Number.POSITIVE_INFINITY);
          counted += records;
          if (records > 0) expect(at + end).toBe(expected.filter((position) => position <= at + chunk.length).at(-1));
          at += chunk.length;
        }
        expect(counted).toBe(expected.length);
        expect(found).toEqual(expected);
      }
    }
  });
});
