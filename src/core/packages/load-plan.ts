import type { DescriptorSource, ResourcePlan } from './load.types.js';
import { CoreError } from '../errors.js';
import { csvDialectOf } from './csv-dialect.js';
import { storagePathProblem } from '../datastore/upload-request.validation.js';
import { locateDescriptor, type DescriptorLocation, type DescriptorUrlPolicy } from './descriptor-url.js';
import { checkDescriptor, fiscalModelOf, type FiscalModel } from './fiscal-model.js';

/** What a load will do: every resource with where its files are and how they are written, and the fiscal model. */
export interface LoadPlan {
  resources: ResourcePlan[];
  model: FiscalModel;
}

/**
 * Where a resource's file is. A relative path is resolved against the
 * descriptor's location; an absolute (or scheme-relative) URL, and whatever a
 * relative path resolves to, is held to the same rules as a descriptor URL:
 * the datastore bucket, or an allowed host. A file in the datastore must lie
 * in the folder of the load's owner: a descriptor cannot pull another user's
 * private upload into its table.
 */
function resolvePath(descriptor: DescriptorSource, path: string, policy: DescriptorUrlPolicy, owner: string, where: string): DescriptorSource {
  let location: DescriptorLocation;
  try {
    if (/^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith('//')) {
      location = locateDescriptor(path, policy);
    } else if (descriptor.kind === 'datastore') {
      const key = [...descriptor.key.split('/').slice(0, -1), path].join('/');
      const problem = storagePathProblem(key, 1024);
      if (problem) throw new CoreError('invalid-argument', `the object path ${problem}`);
      location = { kind: 'datastore', key };
    } else {
      location = locateDescriptor(new URL(path, descriptor.url).toString(), policy);
    }
  } catch (error) {
    if (error instanceof CoreError) throw new CoreError('invalid-argument', `${where}: ${error.message.replace(/^datapackage:? ?/, '')}`);
    throw error;
  }
  if (location.kind === 'web') return { kind: 'web', url: location.url.toString() };
  if (location.key.split('/')[0] !== owner) throw new CoreError('invalid-argument', `${where}: the file is not in the owner's datastore folder`);
  return location;
}

/** Checks a descriptor and plans its load; bad input fails with a CoreError naming what is wrong. */
/** `owner` is the user the load is for: datastore files outside their folder are refused. */
export function planLoad(descriptor: Record<string, unknown>, source: DescriptorSource, policy: DescriptorUrlPolicy, owner: string): LoadPlan {
  const checked = checkDescriptor(descriptor);
  const model = fiscalModelOf(descriptor, checked);
  // The model names columns, not resources: every resource is part of the one
  // fact table (a view over all of them), so all must share the first one's
  // fields. Rows nobody could query through the model are refused, not loaded.
  const factFields = JSON.stringify(checked[0]?.fields.map((field) => [field.name, field.type ?? 'string']));
  checked.forEach((resource, index) => {
    if (index > 0 && JSON.stringify(resource.fields.map((field) => [field.name, field.type ?? 'string'])) !== factFields) {
      throw new CoreError(
        'invalid-argument',
        `resources[${index}] "${resource.resource}": its fields differ from resources[0]'s; every resource of a package is part of its fact table, so all must have the same fields (names and types, in order)`,
      );
    }
  });
  const measureSources = new Set(model.measures.map((measure) => measure.source));
  const raw = descriptor.resources as Record<string, unknown>[];
  const resources = checked.map((resource, index): ResourcePlan => {
    const at = `resources[${index}]`;
    const entry = raw[index] ?? {};
    const format = typeof entry.format === 'string' ? entry.format.toLowerCase() : 'csv';
    if (format !== 'csv') throw new CoreError('invalid-argument', `${at}.format ${JSON.stringify(entry.format)}: only CSV resources can be loaded`);
    // A resource split into several files (`path` as a list) is their concatenation.
    const paths = (Array.isArray(entry.path) ? entry.path : [entry.path]) as string[];
    let dialect;
    try {
      dialect = csvDialectOf(entry);
    } catch (error) {
      throw new CoreError('invalid-argument', `${at}.${(error as Error).message}`);
    }
    return {
      index,
      name: resource.resource,
      sources: paths.map((path) => resolvePath(source, path, policy, owner, `${at}.path`)),
      // Measures are amounts of money: loaded as numeric even when declared
      // integer, since published budgets often carry decimals (the Australian
      // budget demo does); numeric keeps every integer exactly.
      fields: resource.fields.map(({ columnType: _columnType, currency: _currency, ...rules }) => (rules.type === 'integer' && measureSources.has(rules.name) ? { ...rules, type: 'number' } : rules)),
      ...(resource.missingValues ? { missingValues: resource.missingValues } : {}),
      dialect,
    };
  });
  return { resources, model };
}
