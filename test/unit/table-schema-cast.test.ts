/** Casting CSV cells per Table Schema field: types, the field's own rules, missing values, and the errors. */
import { describe, expect, it } from 'vitest';
import { casterFor, checkFieldRules, type FieldRules } from '../../src/core/packages/table-schema-cast.ts';

const cast = (field: Omit<FieldRules, 'name'>, text: string, missingValues?: string[]) => casterFor({ name: 'F', ...field }, missingValues)(text, 7);

describe('casterFor', () => {
  it('casts the plain types and names row and column when a value is not of its type', () => {
    expect(cast({ type: 'integer' }, ' 42 ')).toBe('42');
    expect(cast({ type: 'number' }, '-1.5e3')).toBe('-1.5e3');
    expect(cast({ type: 'boolean' }, 'yes')).toBe('true');
    expect(cast({ type: 'string' }, ' kept as is ')).toBe(' kept as is ');
    expect(cast({ type: 'year' }, '2015')).toBe('2015');
    expect(cast({ type: 'time' }, '10:30:00')).toBe('10:30:00');
    expect(() => cast({ type: 'integer' }, '12x')).toThrow('row 7, column "F": "12x" is not an integer');
    expect(() => cast({ type: 'number' }, '1,5')).toThrow(/is not a number/);
    expect(() => cast({ type: 'boolean' }, 'maybe')).toThrow(/is not a boolean/);
  });

  it('casts dates that recur out of order (remembered per text) the same as the first time, and refuses a bad one on every row', () => {
    const caster = casterFor({ name: 'F', type: 'date' });
    const cycle = Array.from({ length: 45 }, (_, i) => `20${10 + (i % 15)}-0${1 + (i % 9)}-1${i % 9}`);
    for (let round = 0; round < 3; round++) {
      cycle.forEach((text, i) => expect(caster(text, round * 45 + i)).toBe(text));
      expect(() => caster('2015-02-30', round)).toThrow(`row ${round}, column "F": "2015-02-30" is not a date`);
    }
    // More distinct dates than are remembered: still right.
    for (let day = 0; day < 3000; day++) {
      const date = new Date(Date.UTC(2000, 0, 1 + day)).toISOString().slice(0, 10);
      expect(caster(date, day)).toBe(date);
    }
  });

  it('reads dates in ISO 8601, with reduced precision, and refuses days that do not exist', () => {
    expect(cast({ type: 'date' }, '2015-03-31')).toBe('2015-03-31');
    expect(cast({ type: 'date' }, '2007')).toBe('2007-01-01');
    expect(cast({ type: 'date' }, '2007-09')).toBe('2007-09-01');
    expect(() => cast({ type: 'date' }, '2015-02-30')).toThrow(/is not a date/);
    expect(() => cast({ type: 'date' }, '31/03/2015')).toThrow(/is not a date \(YYYY-MM-DD\)/);
    expect(cast({ type: 'datetime' }, '2014-01-01T00:00:00')).toBe('2014-01-01T00:00:00Z');
    expect(cast({ type: 'datetime' }, '2014-01-01 10:00+02:00')).toBe('2014-01-01 10:00+02:00');
    expect(() => cast({ type: 'datetime' }, '2014-13-01T00:00:00')).toThrow(/is not a date-time/);
  });

  it('applies the field rules: strptime formats, decimal and group characters, bare numbers, boolean words', () => {
    expect(cast({ type: 'date', format: '%d/%m/%Y' }, '31/03/2015')).toBe('2015-03-31');
    expect(cast({ type: 'date', format: 'fmt:%d.%m.%y' }, '1.2.15')).toBe('2015-02-01');
    expect(cast({ type: 'datetime', format: '%Y%m%d %H:%M' }, '20150331 23:59')).toBe('2015-03-31T23:59:00Z');
    expect(() => cast({ type: 'date', format: '%d/%m/%Y' }, '31/02/2015')).toThrow(/not a real date in the format %d\/%m\/%Y/);
    expect(cast({ type: 'number', decimalChar: ',', groupChar: '.' }, '1.234.567,89')).toBe('1234567.89');
    // Without a groupChar, commas in exact thousands groups can only be groups (the decimal mark is '.').
    expect(cast({ type: 'number' }, '85,817')).toBe('85817');
    expect(cast({ type: 'number' }, '-1,234,567.5')).toBe('-1234567.5');
    expect(() => cast({ type: 'number' }, '85,81')).toThrow(/is not a number/);
    expect(() => cast({ type: 'number', decimalChar: ',' }, '1,234,567')).toThrow(/is not a number/);
    expect(cast({ type: 'number', bareNumber: false }, '€ 12.50')).toBe('12.50');
    expect(cast({ type: 'integer', bareNumber: false }, '95%')).toBe('95');
    expect(cast({ type: 'boolean', trueValues: ['Sí'], falseValues: ['No'] }, 'Sí')).toBe('true');
    expect(() => cast({ type: 'boolean', trueValues: ['Sí'], falseValues: ['No'] }, 'yes')).toThrow(/is not a boolean/);
  });

  it('reads missing values: the empty string, "not available" markers in typed columns, or the schema’s own list', () => {
    expect(cast({ type: 'integer' }, '')).toBeNull();
    expect(cast({ type: 'string' }, '')).toBeNull();
    for (const marker of ['nfp', 'NP', 'n/a', '-', '..', ':']) expect(cast({ type: 'integer' }, marker), marker).toBeNull();
    expect(cast({ type: 'date' }, 'N/A')).toBeNull();
    // In text columns a marker is text.
    expect(cast({ type: 'string' }, 'n/a')).toBe('n/a');
    // A schema that lists its own missing values gets exactly those.
    expect(cast({ type: 'integer' }, '-99', ['-99'])).toBeNull();
    expect(() => cast({ type: 'integer' }, 'nfp', ['-99'])).toThrow(/is not an integer/);
    expect(cast({ type: 'string' }, '', ['-99'])).toBe('');
  });

  it('refuses rules it cannot apply', () => {
    expect(() => checkFieldRules({ name: 'd', type: 'date', format: '%B %Y' })).toThrow(/%B is not supported/);
    expect(() => checkFieldRules({ name: 'n', type: 'number', decimalChar: ',,' })).toThrow(/decimalChar must be a single character/);
    expect(() => checkFieldRules({ name: 'd', type: 'date', format: 'any' })).not.toThrow();
  });
});
