import type { FiscalDimension, FiscalModel } from './fiscal-model.js';
import { columnsFor } from './column-names.js';

/** A field of the fact table, as the model needs it. */
export interface ModelField {
  name: string;
  type: string;
  title?: string;
}

/** The model babbage (os-api's engine) builds a cube from; see babbageModelOf. */
export type BabbageModel = Record<string, unknown> & { fact_table: string };

// babbage's model schema: names of measures, dimensions and attributes are identifiers of at least two characters,
// and labels have at least two characters.
const babbageIdentifier = /^[a-zA-Z][a-zA-Z0-9_]*[a-zA-Z0-9]$/;

/** A babbage-valid name for `text`, distinct from those in `used` (which it joins). */
function babbageName(text: string, used: Set<string>): string {
  let base = text.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  if (!/^[A-Za-z]/.test(base)) base = `f_${base}`;
  if (!babbageIdentifier.test(base)) base = `${base}1`;
  let name = base;
  for (let n = 2; used.has(name.toLowerCase()); n++) name = `${base}_${n}`;
  used.add(name.toLowerCase());
  return name;
}

const label = (text: string | undefined, fallback: string) => (text && text.trim().length >= 2 ? text.trim() : fallback);

/**
 * The babbage model of a loaded dataset, as os-api reads it: measures with
 * currency, dimensions with typed attributes, key and label attributes, and
 * hierarchies, over the dataset's one fact table (whose `_id` primary key
 * babbage counts `_count` over).
 *
 * A dimension whose FDP `primaryKey` has several attributes (a code and a
 * name, where codes repeat) becomes one dimension per key attribute, grouped
 * in a hierarchy named after it, as babbage-fiscal made them for os-api:
 * babbage groups a dimension's members by its key attribute alone, so one
 * dimension keyed on the code would merge members. Attributes that are
 * neither keys nor labels go with the last key's dimension. Labels are the
 * fields' titles where the descriptor has them; `datatype` is the field's
 * Table Schema type; `orig_*` keep the descriptor's names.
 */
export function babbageModelOf(model: FiscalModel, factTable: string, fields: ModelField[]): BabbageModel {
  const columnOf = new Map(columnsFor(fields.map(({ name, type }) => ({ name, type }))).map((column) => [column.field, column.column]));
  const fieldOf = new Map(fields.map((field) => [field.name, field]));
  const column = (source: string) => columnOf.get(source) ?? source;
  const concepts = new Set<string>();

  const measures: Record<string, unknown> = {};
  for (const measure of model.measures) {
    const name = babbageName(measure.name, concepts);
    measures[name] = {
      column: column(measure.source),
      label: label(fieldOf.get(measure.source)?.title, label(measure.name, name)),
      orig_measure: measure.name,
      ...(measure.currency ? { currency: measure.currency } : {}),
    };
  }

  const dimensions: Record<string, unknown> = {};
  const hierarchies: Record<string, unknown> = {};
  for (const dimension of model.dimensions) {
    const split = splitByKey(dimension);
    const hierarchyName = babbageName(dimension.name, concepts);
    const levels: string[] = [];
    for (const part of split) {
      const name = split.length === 1 ? hierarchyName : babbageName(`${dimension.name}_${part.key}`, concepts);
      const attributeNames = new Set<string>();
      const attributes: Record<string, unknown> = {};
      const nameOf = new Map<string, string>();
      for (const attribute of part.attributes) {
        const attributeName = babbageName(attribute.name, attributeNames);
        nameOf.set(attribute.name, attributeName);
        const field = fieldOf.get(attribute.source);
        attributes[attributeName] = {
          column: column(attribute.source),
          label: label(field?.title, label(attribute.name, attributeName)),
          datatype: field?.type ?? 'string',
          orig_attribute: attribute.name,
        };
      }
      const keyField = fieldOf.get(part.attributes[0]?.source ?? '');
      dimensions[name] = {
        label: split.length === 1 ? label(dimension.name, name) : label(keyField?.title, label(`${dimension.name} ${part.key}`, name)),
        key_attribute: nameOf.get(part.key),
        label_attribute: nameOf.get(part.label ?? part.key),
        orig_dimension: dimension.name,
        ...(dimension.dimensionType ? { dimensionType: dimension.dimensionType } : {}),
        attributes,
      };
      levels.push(name);
    }
    hierarchies[hierarchyName] = { label: label(dimension.name, hierarchyName), levels };
  }
  return { fact_table: factTable, measures, dimensions, hierarchies };
}

/** One babbage dimension of an FDP dimension: its key attribute first, then the others it carries. */
interface KeyPart {
  key: string;
  label?: string;
  attributes: FiscalDimension['attributes'];
}

function splitByKey(dimension: FiscalDimension): KeyPart[] {
  const keys = dimension.primaryKey.length ? dimension.primaryKey : [dimension.attributes[0]?.name ?? ''];
  const labelOf = new Map(dimension.attributes.filter((attribute) => attribute.labelfor).map((attribute) => [attribute.labelfor as string, attribute.name]));
  const byName = new Map(dimension.attributes.map((attribute) => [attribute.name, attribute]));
  const placed = new Set<string>();
  const parts = keys.map((key) => {
    const labelName = labelOf.get(key);
    const names = [key, ...(labelName && labelName !== key ? [labelName] : [])];
    names.forEach((name) => placed.add(name));
    return { key, ...(labelName ? { label: labelName } : {}), attributes: names.map((name) => byName.get(name)).filter((attribute) => attribute !== undefined) };
  });
  const rest = dimension.attributes.filter((attribute) => !placed.has(attribute.name));
  parts.at(-1)?.attributes.push(...rest);
  return parts;
}
