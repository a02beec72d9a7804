import type { LoadInput, ResourcePlan } from './load.types.js';
import type { RegistryDocument } from '../../ports/package-registry.js';
import type { DatasetRecord } from '../../ports/work-package-store.js';
import { babbageModelOf } from './babbage-model.js';
import type { FiscalModel } from './fiscal-model.js';
import { fileIdFor } from './file-ids.js';
import { factTableFor } from './table-names.js';

/** What a finished load knows about the package. */
export interface LoadedPackage {
  input: LoadInput;
  descriptor: Record<string, unknown>;
  model: FiscalModel;
  resources: ResourcePlan[];
  rows: number;
}

/**
 * The registry document of a loaded package. A new package is private until
 * published; a re-load keeps whatever its owner chose before.
 */
export function registryDocumentFor(loaded: LoadedPackage, previous: RegistryDocument | null, now: Date): RegistryDocument {
  const { input, descriptor, model, resources } = loaded;
  const isPrivate = previous ? previous.package?.private !== false : true;
  const author = typeof descriptor.author === 'string' ? descriptor.author : input.owner;
  // Every resource shares the fact schema (planLoad checks it): their rows are in the one fact table.
  return {
    id: input.datasetId,
    model: babbageModelOf(model, factTableFor(input.datasetId), resources[0]?.fields ?? []),
    package: { ...descriptor, owner: input.owner, private: isPrivate, author, count_of_rows: loaded.rows },
    origin_url: input.descriptorUrl,
    dataset: descriptor.name,
    author,
    loaded: true,
    loading_status: 'done',
    last_update: now.toISOString(),
  };
}

/** The dataset row the work-package service reads: one file per resource. */
export function datasetRecordFor(loaded: LoadedPackage, published: boolean): DatasetRecord {
  const { input, descriptor, resources } = loaded;
  return {
    id: input.datasetId,
    owner: input.owner,
    title: typeof descriptor.title === 'string' ? descriptor.title : String(descriptor.name),
    description: typeof descriptor.description === 'string' && descriptor.description ? descriptor.description : null,
    stage: 'download',
    published,
    files: resources.map((resource) => {
      const first = resource.sources[0];
      const path = first?.kind === 'datastore' ? first.key : (first?.url ?? '');
      return { id: fileIdFor(input.datasetId, resource.name), extension: /\.[A-Za-z0-9]+$/.exec(path)?.[0] ?? '' };
    }),
  };
}
