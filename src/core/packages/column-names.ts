import type { FieldRules } from './table-schema-cast.js';

/** A column to load: the Table Schema field (with its rules) and the safe SQL column name derived from it. */
export interface LoadColumn {
  field: string;
  type: string;
  column: string;
  rules: FieldRules;
}

/** Safe, distinct SQL column names for field names (never spliced from user text). */
export function columnsFor(fields: FieldRules[]): LoadColumn[] {
  const used = new Set<string>();
  return fields.map((field, index) => {
    const base = `c_${field.name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '').slice(0, 40)}` || `c_${index}`;
    let column = base;
    for (let n = 2; used.has(column); n++) column = `${base}_${n}`;
    used.add(column);
    return { field: field.name, type: field.type, column, rules: field };
  });
}

