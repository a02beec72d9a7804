import { CoreError } from '../errors.js';

/** The PostgreSQL column type each Table Schema type is loaded into. */
export const columnTypeOf: Record<string, string> = {
  string: 'text',
  integer: 'bigint',
  number: 'numeric',
  boolean: 'boolean',
  date: 'date',
  datetime: 'timestamptz',
  time: 'time',
  year: 'integer',
};

const integerPattern = /^[+-]?\d{1,18}$/;
const numberPattern = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const datePattern = /^\d{4}-\d{2}-\d{2}$/;
const datetimePattern = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const timePattern = /^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const yearPattern = /^\d{4}$/;
const trueValues = new Set(['true', 'True', 'TRUE', '1', 'yes', 'Yes']);
const falseValues = new Set(['false', 'False', 'FALSE', '0', 'no', 'No']);

/**
 * One CSV cell cast per its Table Schema type into PostgreSQL's text form, or
 * null for a missing value (the empty string, Table Schema's default). A value
 * that is not of its type fails the load, naming row and column.
 */
export function castCell(type: string, text: string, where: { row: number; column: string }): string | null {
  if (text === '') return null;
  if (type === 'string' || columnTypeOf[type] === undefined) return text;
  const value = text.trim();
  const fail = (expected: string) => new CoreError('invalid-argument', `row ${where.row}, column ${JSON.stringify(where.column)}: ${JSON.stringify(text.slice(0, 50))} is not ${expected}`);
  switch (type) {
    case 'integer':
      if (!integerPattern.test(value)) throw fail('an integer');
      return value;
    case 'number':
      if (!numberPattern.test(value)) throw fail('a number');
      return value;
    case 'boolean':
      if (trueValues.has(value)) return 'true';
      if (falseValues.has(value)) return 'false';
      throw fail('a boolean');
    case 'date':
      if (!datePattern.test(value) || Number.isNaN(Date.parse(value))) throw fail('a date (YYYY-MM-DD)');
      return value;
    case 'datetime':
      if (!datetimePattern.test(value) || Number.isNaN(Date.parse(value))) throw fail('a date-time (ISO 8601)');
      return value;
    case 'time':
      if (!timePattern.test(value)) throw fail('a time (HH:MM:SS)');
      return value;
    default:
      if (!yearPattern.test(value)) throw fail('a year');
      return value;
  }
}
