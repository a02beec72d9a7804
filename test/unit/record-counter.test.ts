import { describe, expect, it } from 'vitest';
import { RecordCounter, RecordNumberer } from '../../src/adapters/postgres/native-csv-copy.ts';

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

describe('RecordNumberer (`_id` in front of every record)', () => {
  const text = (parts: Uint8Array[]) => new TextDecoder().decode(Buffer.concat(parts));

  it('numbers each record where it begins, however the bytes are cut, and says where each record ends', () => {
    const csv = 'a,"x\ny"\nb,"say ""hi\n"""\r\nc,3';
    const expected = '41;a,"x\ny"\n42;b,"say ""hi\n"""\r\n43;c,3';
    for (let cut = 0; cut <= csv.length; cut++) {
      const numberer = new RecordNumberer(34, 34, 59, 41);
      const outs: Uint8Array[] = [];
      const ends: number[] = [];
      let before = 0;
      for (const part of [csv.slice(0, cut), csv.slice(cut)]) {
        const numbered = numberer.number(bytes(part));
        ends.push(...numbered.ends.map((end) => before + end));
        before += numbered.bytes.byteLength;
        outs.push(numbered.bytes);
      }
      expect(text(outs)).toBe(expected);
      expect(ends).toEqual([expected.indexOf('42;'), expected.indexOf('43;')]);
    }
  });

  it('starts a record after a chunk that ended with a line feed, and numbers nothing after the last one', () => {
    const numberer = new RecordNumberer(34, 34, 44, 9);
    expect(text([numberer.number(bytes('x\n')).bytes])).toBe('9,x\n');
    expect(text([numberer.number(bytes('')).bytes])).toBe('');
    expect(text([numberer.number(bytes('y\n')).bytes])).toBe('10,y\n');
    expect(numberer.number(bytes('')).ends).toEqual([]);
    // Numbers that grow by two digits within one chunk.
    const many = Array.from({ length: 200 }, (_, i) => `r${i}\n`);
    expect(text([new RecordNumberer(34, 34, 44, 8).number(bytes(many.join(''))).bytes])).toBe(many.map((line, i) => `${8 + i},${line}`).join(''));
  });

  it('agrees with numbering line by line on random quoted CSV in random chunks, across digit counts', () => {
    let seed = 11;
    const random = (below: number) => ((seed = (seed * 48271) % 2147483647), seed % below);
    for (let round = 0; round < 200; round++) {
      const records = Array.from({ length: 1 + random(30) }, () => `${random(1000)},"q ""${random(9)}""\n${'z'.repeat(random(5))}"`);
      const first = 1 + random(20_000);
      const expected = records.map((record, i) => `${first + i},${record}\n`).join('');
      const csv = bytes(records.map((record) => `${record}\n`).join(''));
      const numberer = new RecordNumberer(34, 34, 44, first);
      const outs: Uint8Array[] = [];
      for (let at = 0; at < csv.length; ) {
        const step = 1 + random(12);
        outs.push(numberer.number(csv.subarray(at, at + step)).bytes);
        at += step;
      }
      expect(text(outs)).toBe(expected);
    }
  });
});
