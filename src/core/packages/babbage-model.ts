import type { FiscalModel } from './fiscal-model.js';
import { columnsFor } from './column-names.js';

/**
 * The Babbage model of a loaded dataset (what OpenSpending's analysis API
 * reads): measures with currency, dimensions with attributes, key and label
 * attributes, hierarchies; columns are the loaded table's (first resource).
 */
export function babbageModelOf(model: FiscalModel, tables: string[], fields: { name: string; type: string }[][]): Record<string, unknown> {
  const columnOf = new Map(columnsFor(fields[0] ?? []).map((column) => [column.field, column.column]));
  const column = (source: string) => columnOf.get(source) ?? source;
  const measures = Object.fromEntries(model.measures.map((measure) => [measure.name, { column: column(measure.source), label: measure.name, currency: measure.currency }]));
  const dimensions = Object.fromEntries(
    model.dimensions.map((dimension) => {
      const key = dimension.primaryKey[0] ?? dimension.attributes[0]?.name ?? '';
      const label = dimension.attributes.find((attribute) => attribute.labelfor === key)?.name ?? key;
      return [
        dimension.name,
        {
          label: dimension.name,
          key_attribute: key,
          label_attribute: label,
          dimensionType: dimension.dimensionType,
          attributes: Object.fromEntries(dimension.attributes.map((attribute) => [attribute.name, { column: column(attribute.source), label: attribute.name }])),
        },
      ];
    }),
  );
  const hierarchies = Object.fromEntries(
    model.dimensions.map((dimension) => [dimension.name, { label: dimension.name, levels: [dimension.name] }]),
  );
  return { fact_table: tables[0], measures, dimensions, hierarchies };
}
