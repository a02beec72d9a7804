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
});
