import type { DescriptorSource, ResourcePlan } from '../../../workflows/shared.js';
import { CoreError } from '../errors.js';
import { csvDialectOf } from './csv-dialect.js';
import { locateDescriptor, type DescriptorUrlPolicy } from './descriptor-url.js';
import { checkDescriptor, fiscalModelOf, type FiscalModel } from './fiscal-model.js';

/** What a load will do: every resource with where its files are and how they are written, and the fiscal model. */
export interface LoadPlan {
  resources: ResourcePlan[];
  model: FiscalModel;
}

/**
 * A resource path relative to the descriptor's location. An absolute URL is
 * held to the same rules as a descriptor URL: the datastore bucket, or an
 * allowed host.
 */
function resolvePath(descriptor: DescriptorSource, path: string, policy: DescriptorUrlPolicy, where: string): DescriptorSource {
  if (/^https?:\/\//i.test(path)) {
    try {
      const location = locateDescriptor(path, policy);
      return location.kind === 'datastore' ? location : { kind: 'web', url: location.url.toString() };
    } catch (error) {
      if (error instanceof CoreError) throw new CoreError('invalid-argument', `${where}: ${error.message.replace(/^datapackage:? ?/, '')}`);
      throw error;
    }
  }
  if (descriptor.kind === 'datastore') return { kind: 'datastore', key: [...descriptor.key.split('/').slice(0, -1), path].join('/') };
  return { kind: 'web', url: new URL(path, descriptor.url).toString() };
}

/** Checks a descriptor and plans its load; bad input fails with a CoreError naming what is wrong. */
export function planLoad(descriptor: Record<string, unknown>, source: DescriptorSource, policy: DescriptorUrlPolicy): LoadPlan {
  const checked = checkDescriptor(descriptor);
  const model = fiscalModelOf(descriptor, checked);
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
      sources: paths.map((path) => resolvePath(source, path, policy, `${at}.path`)),
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
