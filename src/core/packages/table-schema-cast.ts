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

/** A Table Schema field with the properties that change how its values are read. */
export interface FieldRules {
  name: string;
  type: string;
  format?: string;
  decimalChar?: string;
  groupChar?: string;
  bareNumber?: boolean;
  trueValues?: string[];
  falseValues?: string[];
}

/**
 * Cells that mean "no value" in published budget data, read as null in
 * number, integer, date and boolean columns when the schema does not list its
 * own `missingValues`: "not for publication", "not available", a dash, "..".
 * They can never be a value of those types, so nothing is lost.
 */
const notAvailableMarkers = new Set(['nfp', 'np', 'n/a', 'na', 'n.a.', '-', '–', '—', '..', ':']);

const integerPattern = /^[+-]?\d{1,18}$/;
/** `85,817` or `1,234,567.5`: commas that can only be thousands groups, since the decimal mark is `.`. */
const commaGroupedPattern = /^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/;
const numberPattern = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const isoDatePattern = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
const isoDatetimePattern = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const timePattern = /^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const yearPattern = /^\d{4}$/;

/** Whether year-month-day (and time) are a real calendar moment (no 30 February). */
function realDate(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): boolean {
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 61;
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** A strptime-style pattern (`%d/%m/%Y %H:%M`) as a regular expression with named parts. */
function strptimePattern(format: string): RegExp {
  const parts: Record<string, string> = { Y: '(?<Y>\\d{4})', y: '(?<y>\\d{2})', m: '(?<m>\\d{1,2})', d: '(?<d>\\d{1,2})', H: '(?<H>\\d{1,2})', M: '(?<M>\\d{2})', S: '(?<S>\\d{2})', '%': '%' };
  let source = '';
  for (let i = 0; i < format.length; i++) {
    const char = format[i] as string;
    if (char === '%') {
      const part = parts[format[i + 1] ?? ''];
      if (!part) throw new CoreError('invalid-argument', `format ${JSON.stringify(format)}: %${format[i + 1] ?? ''} is not supported (use %Y %y %m %d %H %M %S)`);
      source += part;
      i += 1;
    } else {
      source += char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

/**
 * Checks that a field's rules can be applied (a date format this loader
 * reads, single-character separators); throws a CoreError naming the problem.
 */
export function checkFieldRules(field: FieldRules): void {
  if ((field.type === 'date' || field.type === 'datetime') && field.format && field.format !== 'default' && field.format !== 'any') {
    strptimePattern(field.format.replace(/^fmt:/, ''));
  }
  for (const key of ['decimalChar', 'groupChar'] as const) {
    const value = field[key];
    if (value !== undefined && (typeof value !== 'string' || value.length !== 1)) throw new CoreError('invalid-argument', `${key} must be a single character`);
  }
}

/**
 * A function that casts one CSV cell of the field into PostgreSQL's text form,
 * or null for a missing value. A value that is not of its type fails the load,
 * naming row and column.
 */
export function casterFor(field: FieldRules, missingValues?: string[]): (text: string, row: number) => string | null {
  const type = columnTypeOf[field.type] ? field.type : 'string';
  const missing = missingValues ? new Set(missingValues) : undefined;
  const fail = (text: string, row: number, expected: string) =>
    new CoreError('invalid-argument', `row ${row}, column ${JSON.stringify(field.name)}: ${JSON.stringify(text.slice(0, 50))} is not ${expected}`);
  const convert = converterFor(field, type, fail);
  if (missing) return (text, row) => (missing.has(text) ? null : convert(text, row));
  if (type === 'string') return (text, row) => (text === '' ? null : convert(text, row));
  // A marker is only looked for once a cell failed to cast: no cost for the cells that cast.
  return (text, row) => {
    if (text === '') return null;
    try {
      return convert(text, row);
    } catch (error) {
      if (notAvailableMarkers.has(text.trim().toLowerCase())) return null;
      throw error;
    }
  };
}

type Fail = (text: string, row: number, expected: string) => CoreError;

function converterFor(field: FieldRules, type: string, fail: Fail): (text: string, row: number) => string {
  switch (type) {
    case 'integer': {
      const bare = field.bareNumber === false ? (value: string) => value.replace(/^[^\d+-]+|[^\d]+$/g, '') : (value: string) => value;
      return (text, row) => {
        const value = bare(text.trim());
        if (!integerPattern.test(value)) throw fail(text, row, 'an integer');
        return value;
      };
    }
    case 'number': {
      const group = field.groupChar;
      const decimal = field.decimalChar && field.decimalChar !== '.' ? field.decimalChar : undefined;
      return (text, row) => {
        let value = text.trim();
        if (group) value = value.split(group).join('');
        else if (!decimal && commaGroupedPattern.test(value)) value = value.replaceAll(',', '');
        if (decimal) value = value.replace(decimal, '.');
        if (field.bareNumber === false) value = value.replace(/^[^\d+.-]+|[^\d.]+$/g, '');
        if (!numberPattern.test(value)) throw fail(text, row, 'a number');
        return value;
      };
    }
    case 'boolean': {
      const trueValues = new Set(field.trueValues ?? ['true', 'True', 'TRUE', '1', 'yes', 'Yes']);
      const falseValues = new Set(field.falseValues ?? ['false', 'False', 'FALSE', '0', 'no', 'No']);
      return (text, row) => {
        const value = text.trim();
        if (trueValues.has(value)) return 'true';
        if (falseValues.has(value)) return 'false';
        throw fail(text, row, 'a boolean');
      };
    }
    case 'date':
    case 'datetime':
      return remembering(dateConverter(field, type, fail));
    case 'time':
      return (text, row) => {
        const value = text.trim();
        if (!timePattern.test(value)) throw fail(text, row, 'a time (HH:MM:SS)');
        return value;
      };
    case 'year':
      return (text, row) => {
        const value = text.trim();
        if (!yearPattern.test(value)) throw fail(text, row, 'a year');
        return value;
      };
    default:
      return (text) => text;
  }
}

/**
 * Fiscal data repeats a few dates (fiscal years, periods) over and over, not
 * always in order: each date text's answer is remembered, up to
 * `maxRemembered` of them (then forgotten all at once). Parsing and checking
 * a date was the largest cost of casting in the bench:load profile. Only
 * answers are remembered, so a bad value fails on every row it is in.
 */
function remembering(convert: (text: string, row: number) => string, maxRemembered = 1024): (text: string, row: number) => string {
  const answers = new Map<string, string>();
  return (text, row) => {
    const known = answers.get(text);
    if (known !== undefined) return known;
    const value = convert(text, row);
    if (answers.size >= maxRemembered) answers.clear();
    answers.set(text, value);
    return value;
  };
}

/**
 * Dates: ISO 8601, also with reduced precision (`2007`, `2007-03` are the
 * first day of that year or month), or a strptime `format`. Date-times: ISO
 * 8601 (a missing offset is UTC) or a strptime `format`.
 */
function dateConverter(field: FieldRules, type: 'date' | 'datetime', fail: Fail): (text: string, row: number) => string {
  const expected = type === 'date' ? 'a date (YYYY-MM-DD)' : 'a date-time (ISO 8601)';
  const format = field.format?.replace(/^fmt:/, '');
  if (format && format !== 'default' && format !== 'any') {
    const pattern = strptimePattern(format);
    return (text, row) => {
      const parts = pattern.exec(text.trim())?.groups;
      if (!parts) throw fail(text, row, `a date in the format ${format}`);
      const year = parts.Y ? Number(parts.Y) : 2000 + Number(parts.y ?? 0);
      const [month, day, hour, minute, second] = [parts.m ?? 1, parts.d ?? 1, parts.H ?? 0, parts.M ?? 0, parts.S ?? 0].map(Number) as [number, number, number, number, number];
      if (!realDate(year, month, day, hour, minute, second)) throw fail(text, row, `a real date in the format ${format}`);
      const date = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
      return type === 'date' ? date : `${date}T${pad(hour)}:${pad(minute)}:${pad(second)}Z`;
    };
  }
  if (type === 'date') {
    return (text, row) => {
      const parts = isoDatePattern.exec(text.trim());
      const [year, month, day] = [Number(parts?.[1]), Number(parts?.[2] ?? 1), Number(parts?.[3] ?? 1)];
      if (!parts || !realDate(year, month, day)) throw fail(text, row, expected);
      return `${parts[1]}-${pad(month)}-${pad(day)}`;
    };
  }
  return (text, row) => {
    const value = text.trim();
    const parts = isoDatetimePattern.exec(value);
    if (!parts || !realDate(Number(parts[1]), Number(parts[2]), Number(parts[3]), Number(parts[4]), Number(parts[5]), Number(parts[6] ?? 0))) throw fail(text, row, expected);
    // Without an offset the time is read as UTC, not as the database server's zone.
    return parts[8] ? value : `${value}Z`;
  };
}
