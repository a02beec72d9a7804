import { CoreError } from '../errors.js';
import { storagePathProblem } from '../datastore/upload-request.validation.js';
import { checkFieldRules, type FieldRules } from './table-schema-cast.js';

/** A measure of the fiscal model: a numeric column with its currency. */
export interface FiscalMeasure {
  name: string;
  source: string;
  currency?: string;
  factor?: number;
  direction?: string;
}

/** An attribute of a dimension: a column, possibly the label of another attribute or the child of a parent. */
export interface FiscalAttribute {
  name: string;
  source: string;
  labelfor?: string;
  parent?: string;
}

/** A dimension: attributes, and the ones that identify a member (primary key). */
export interface FiscalDimension {
  name: string;
  dimensionType?: string;
  attributes: FiscalAttribute[];
  primaryKey: string[];
}

/** The fiscal model of a data package, whichever FDP style it was written in. */
export interface FiscalModel {
  style: 'fdp-0.3' | 'fdp-1.0';
  measures: FiscalMeasure[];
  dimensions: FiscalDimension[];
}

/** Table Schema field types (v1). */
const fieldTypes = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'date', 'time', 'datetime', 'year', 'yearmonth', 'duration', 'geopoint', 'geojson', 'any']);

const invalid = (message: string) => new CoreError('invalid-argument', message);
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A resource's fields, checked. */
export interface ResourceFields {
  resource: string;
  fields: (FieldRules & { title?: string; columnType?: string; currency?: string })[];
  missingValues?: string[];
}

/** The Table Schema properties of a field that change how its values are read, checked. */
function ruleProperties(field: Record<string, unknown>, where: string): Omit<FieldRules, 'name' | 'type'> {
  const rules: Omit<FieldRules, 'name' | 'type'> = {};
  if (field.format !== undefined) {
    if (typeof field.format !== 'string') throw invalid(`${where}.format must be a string`);
    rules.format = field.format;
  }
  for (const key of ['decimalChar', 'groupChar'] as const) {
    if (field[key] !== undefined) rules[key] = field[key] as string;
  }
  if (field.bareNumber !== undefined) {
    if (typeof field.bareNumber !== 'boolean') throw invalid(`${where}.bareNumber must be true or false`);
    rules.bareNumber = field.bareNumber;
  }
  for (const key of ['trueValues', 'falseValues'] as const) {
    const values = field[key];
    if (values === undefined) continue;
    if (!Array.isArray(values) || values.some((value) => typeof value !== 'string')) throw invalid(`${where}.${key} must be a list of strings`);
    rules[key] = values as string[];
  }
  try {
    checkFieldRules({ name: String(field.name), type: String(field.type ?? 'string'), ...rules });
  } catch (error) {
    throw invalid(`${where}.${(error as Error).message}`);
  }
  return rules;
}

/** Checks the Data Package and Table Schema parts; returns each resource's fields. */
export function checkDescriptor(descriptor: unknown): ResourceFields[] {
  if (!isObject(descriptor)) throw invalid('The descriptor must be a JSON object');
  if (typeof descriptor.name !== 'string' || !descriptor.name.trim()) throw invalid('name: a package name is required');
  const resources = descriptor.resources;
  if (!Array.isArray(resources) || resources.length === 0) throw invalid('resources: at least one resource is required');
  return resources.map((resource, index) => {
    const at = `resources[${index}]`;
    if (!isObject(resource)) throw invalid(`${at} must be an object`);
    const paths = Array.isArray(resource.path) ? resource.path : [resource.path];
    for (const path of paths) {
      if (typeof path !== 'string') throw invalid(`${at}.path must be a relative path or an http(s) URL`);
      if (/^https?:\/\//.test(path)) continue;
      const problem = storagePathProblem(path, 1024);
      if (problem) throw invalid(`${at}.path ${problem}`);
    }
    const schema = resource.schema;
    if (!isObject(schema) || !Array.isArray(schema.fields) || schema.fields.length === 0) throw invalid(`${at}.schema.fields: a Table Schema with fields is required`);
    const seen = new Set<string>();
    const fields = schema.fields.map((field, fieldIndex) => {
      const where = `${at}.schema.fields[${fieldIndex}]`;
      if (!isObject(field) || typeof field.name !== 'string' || !field.name) throw invalid(`${where}.name is required`);
      if (seen.has(field.name)) throw invalid(`${where}.name ${JSON.stringify(field.name)} is used twice`);
      seen.add(field.name);
      const type = field.type === undefined ? 'string' : field.type;
      if (typeof type !== 'string' || !fieldTypes.has(type)) throw invalid(`${where}.type ${JSON.stringify(type)} is not a Table Schema type`);
      const rules = ruleProperties(field, where);
      return {
        name: field.name,
        type,
        ...rules,
        ...(typeof field.title === 'string' && field.title.trim() ? { title: field.title.trim() } : {}),
        columnType: typeof field.columnType === 'string' ? field.columnType : undefined,
        currency: typeof field.currency === 'string' ? field.currency : undefined,
      };
    });
    const missingValues = schema.missingValues;
    if (missingValues !== undefined && (!Array.isArray(missingValues) || missingValues.some((value) => typeof value !== 'string'))) {
      throw invalid(`${at}.schema.missingValues must be a list of strings`);
    }
    return { resource: typeof resource.name === 'string' ? resource.name : `resource-${index}`, fields, missingValues: missingValues as string[] | undefined };
  });
}

/**
 * The fiscal model of a descriptor: FDP 0.3's `model` (alias `mapping`)
 * section, or FDP 1.0's `columnType` on fields. Every source must be a field
 * of the package; errors name what is wrong. `checked`: the result of
 * checkDescriptor when the caller has it already.
 */
export function fiscalModelOf(descriptor: unknown, checked?: ResourceFields[]): FiscalModel {
  const resources = checked ?? checkDescriptor(descriptor);
  const fieldNames = new Set(resources.flatMap((resource) => resource.fields.map((field) => field.name)));
  const section = (descriptor as Record<string, unknown>).model ?? (descriptor as Record<string, unknown>).mapping;
  if (section !== undefined) return modelSection(section, fieldNames);
  const typed = resources.flatMap((resource) => resource.fields).filter((field) => field.columnType);
  if (typed.length) return columnTypeModel(typed);
  throw invalid('No fiscal model: add a `model` section (FDP 0.3) or `columnType` on the fields (FDP 1.0)');
}

function modelSection(section: unknown, fieldNames: Set<string>): FiscalModel {
  if (!isObject(section)) throw invalid('model must be an object');
  const source = (where: string, value: unknown) => {
    if (typeof value !== 'string' || !fieldNames.has(value)) throw invalid(`${where}.source ${JSON.stringify(value)} is not a field of the package`);
    return value;
  };
  if (!isObject(section.measures) || !Object.keys(section.measures).length) throw invalid('model.measures: at least one measure is required');
  const measures = Object.entries(section.measures).map(([name, measure]) => {
    const where = `model.measures.${name}`;
    if (!isObject(measure)) throw invalid(`${where} must be an object`);
    if (measure.currency !== undefined && (typeof measure.currency !== 'string' || !/^[A-Z]{3}$/.test(measure.currency))) throw invalid(`${where}.currency must be an ISO 4217 code such as EUR`);
    return {
      name,
      source: source(where, measure.source),
      currency: measure.currency as string | undefined,
      factor: typeof measure.factor === 'number' ? measure.factor : undefined,
      direction: typeof measure.direction === 'string' ? measure.direction : undefined,
    };
  });
  const dimensions = Object.entries(isObject(section.dimensions) ? section.dimensions : {}).map(([name, dimension]) => {
    const where = `model.dimensions.${name}`;
    if (!isObject(dimension) || !isObject(dimension.attributes) || !Object.keys(dimension.attributes).length) throw invalid(`${where}.attributes: at least one attribute is required`);
    const attributes = Object.entries(dimension.attributes).map(([attributeName, attribute]) => {
      const at = `${where}.attributes.${attributeName}`;
      if (!isObject(attribute)) throw invalid(`${at} must be an object`);
      return {
        name: attributeName,
        source: source(at, attribute.source),
        labelfor: typeof attribute.labelfor === 'string' ? attribute.labelfor : undefined,
        parent: typeof attribute.parent === 'string' ? attribute.parent : undefined,
      };
    });
    const names = new Set(attributes.map((attribute) => attribute.name));
    for (const attribute of attributes) {
      for (const reference of [attribute.labelfor, attribute.parent]) {
        if (reference !== undefined && !names.has(reference)) throw invalid(`${where}.attributes.${attribute.name} refers to ${JSON.stringify(reference)}, not an attribute of ${name}`);
      }
    }
    const primaryKey = dimension.primaryKey === undefined ? [attributes[0]?.name ?? ''] : Array.isArray(dimension.primaryKey) ? dimension.primaryKey : [dimension.primaryKey];
    for (const key of primaryKey) if (typeof key !== 'string' || !names.has(key)) throw invalid(`${where}.primaryKey ${JSON.stringify(key)} is not an attribute of ${name}`);
    return { name, dimensionType: typeof dimension.dimensionType === 'string' ? dimension.dimensionType : undefined, attributes, primaryKey: primaryKey as string[] };
  });
  return { style: 'fdp-0.3', measures, dimensions };
}

/**
 * FDP 1.0: `columnType: "value"` fields are measures; other columnTypes
 * (`<dimension>[:<more>]:code|label|...`) are grouped into dimensions by their
 * first segment, a `:label` attribute labelling the `:code` one.
 */
function columnTypeModel(fields: { name: string; columnType?: string; currency?: string }[]): FiscalModel {
  const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'field';
  const measures = fields.filter((field) => field.columnType === 'value').map((field) => ({ name: slug(field.name), source: field.name, currency: field.currency }));
  if (!measures.length) throw invalid('No measure: one field needs columnType "value"');
  const groups = new Map<string, { name: string; source: string; kind: string }[]>();
  for (const field of fields.filter((candidate) => candidate.columnType !== 'value')) {
    const segments = (field.columnType as string).split(':');
    const dimension = segments[0] as string;
    groups.set(dimension, [...(groups.get(dimension) ?? []), { name: slug(field.name), source: field.name, kind: segments.at(-1) as string }]);
  }
  const dimensions = [...groups].map(([name, members]) => {
    const code = members.find((member) => member.kind === 'code') ?? members[0];
    const attributes = members.map((member) => ({
      name: member.name,
      source: member.source,
      labelfor: member.kind === 'label' && code && code !== member ? code.name : undefined,
      parent: undefined,
    }));
    return { name, dimensionType: undefined, attributes, primaryKey: [code?.name ?? ''] };
  });
  return { style: 'fdp-1.0', measures, dimensions };
}
