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
const trueValues = new Set(['true', 'True', 'TRUE', '1', 'yes', 'Yes']);
const falseValues = new Set(['false', 'False', 'FALSE', '0', 'no', 'No']);

/**
 * One CSV cell cast per its Table Schema type into PostgreSQL's text form, or
 * null for a missing value (the empty string, Table Schema's default). A value
 * that is not of its type fails the load, naming row and column.
 */
export function castCell(type: string, text: string, where: { row: number; column: string }): string | null {
  if (text === '') return null;
  const fail = (expected: string) => new CoreError('invalid-argument', `row ${where.row}, column ${JSON.stringify(where.column)}: ${JSON.stringify(text.slice(0, 50))} is not ${expected}`);
  switch (type) {
    case 'integer':
      if (!integerPattern.test(text.trim())) throw fail('an integer');
      return text.trim();
    case 'number': {
      const trimmed = text.trim();
      if (!numberPattern.test(trimmed)) throw fail('a number');
      return trimmed;
    }
    case 'boolean':
      if (trueValues.has(text.trim())) return 'true';
      if (falseValues.has(text.trim())) return 'false';
      throw fail('a boolean');
    case 'date':
      if (!datePattern.test(text.trim()) || Number.isNaN(Date.parse(text.trim()))) throw fail('a date (YYYY-MM-DD)');
      return text.trim();
    case 'datetime':
      if (!datetimePattern.test(text.trim()) || Number.isNaN(Date.parse(text.trim()))) throw fail('a date-time (ISO 8601)');
      return text.trim();
    case 'time':
      if (!timePattern.test(text.trim())) throw fail('a time (HH:MM:SS)');
      return text.trim();
    case 'year':
      if (!/^\d{4}$/.test(text.trim())) throw fail('a year');
      return text.trim();
    default:
      return text;
  }
}
