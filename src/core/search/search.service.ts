import { CoreError } from '../errors.js';
import type { PackageSearch, SearchValue } from '../../ports/package-search.js';
import { SearchUnavailableError } from '../../ports/package-search.js';

/** A search as it arrives: raw parameter text, every value but `size` and `jwt` a JSON document. */
export interface SearchParameters {
  kind: string;
  q?: string;
  size?: string;
  /** `<field>=<JSON value>` pairs, in order; a field may repeat. */
  filters: { field: string; value: string }[];
}

export interface SearchSettings {
  defaultSize: number;
  maxSize: number;
  /** Indexed fields a filter may name, with the kind of value each takes. */
  filterableFields: Record<string, 'text' | 'number' | 'boolean'>;
}

/** Bounds on what one query may carry. */
const maxFilterValues = 100;
const maxValueLength = 1000;

const bad = (message: string) => new CoreError('invalid-argument', message);

/** `/search/<kind>`: parameters checked, then the registry searched with the caller's visibility. */
export class SearchService {
  constructor(
    private readonly search: PackageSearch,
    private readonly settings: SearchSettings,
  ) {}

  async find(parameters: SearchParameters, viewer: string | undefined): Promise<Record<string, unknown>[]> {
    if (parameters.kind !== 'package') throw bad(`Unknown search kind ${JSON.stringify(parameters.kind.slice(0, 100))}; only "package" exists`);
    const size = this.size(parameters.size);
    const text = parameters.q === undefined || parameters.q === '' ? undefined : String(jsonScalar('q', parameters.q));
    if (parameters.filters.length > maxFilterValues) throw bad(`At most ${maxFilterValues} filter values per search`);
    const byField = new Map<string, SearchValue[]>();
    for (const { field, value } of parameters.filters) {
      // Own keys only: `constructor`, `__proto__` or `toString` are not fields.
      const kind = Object.hasOwn(this.settings.filterableFields, field) ? this.settings.filterableFields[field] : undefined;
      if (!kind) throw bad(`Cannot filter on ${JSON.stringify(field.slice(0, 100))}: not a searchable field`);
      const parsed = jsonScalar(field, value);
      if (kind === 'number' && typeof parsed !== 'number') throw bad(`${field} takes a number`);
      if (kind === 'boolean' && typeof parsed !== 'boolean') throw bad(`${field} takes true or false`);
      byField.set(field, [...(byField.get(field) ?? []), parsed]);
    }
    try {
      return await this.search.search({ text, filters: [...byField].map(([field, values]) => ({ field, values })), size, viewer });
    } catch (error) {
      if (error instanceof SearchUnavailableError) throw new CoreError('unavailable', 'Search is unavailable; try again later');
      throw error;
    }
  }

  private size(text: string | undefined): number {
    if (text === undefined || text === '') return this.settings.defaultSize;
    if (!/^\d{1,9}$/.test(text)) throw bad('size must be a whole number');
    // Larger sizes are cut to the maximum, not refused: os-admin asks 10000 and takes any error for a logout.
    return Math.min(Number(text), this.settings.maxSize);
  }
}

/** Parses a parameter's JSON text; only strings, numbers and booleans are values. */
function jsonScalar(field: string, text: string): SearchValue {
  if (text.length > maxValueLength) throw bad(`${field} is too long (at most ${maxValueLength} characters)`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw bad(`${field} must be a JSON value, e.g. ${field}="text" (quotes included)`);
  }
  if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return value;
  throw bad(`${field} must be a JSON string, number or boolean`);
}
