/**
 * The types of a package load, shared by the Package service, its ports and
 * the loading workflow (which imports them as types only). Core owns them:
 * it imports nothing from workflows/.
 */
import type { CsvDialect } from './csv-dialect.js';
import type { FieldRules } from './table-schema-cast.js';

/** Every documented status, in the order a load goes through them. */
export const loadStatuses = [
  'queued', 'initializing', 'loading-datapackage', 'validating-datapackage', 'loading-resource', 'deleting-table',
  'creating-table', 'loading-data-ready', 'loading-data', 'creating-babbage-model', 'saving-metadata', 'done',
] as const;

export type LoadStatusName = (typeof loadStatuses)[number] | 'fail';

/** A load's status as `/package/status` reports it. */
export interface LoadStatus {
  status: LoadStatusName;
  /** Records loaded so far. */
  progress: number;
  error?: string;
  /** While `loading-data`: the index of the resource being loaded (its heartbeats carry the same index). */
  resource?: number;
}

/** Where the descriptor is: an object in the datastore bucket, or an allowed web URL. */
export type DescriptorSource = { kind: 'datastore'; key: string } | { kind: 'web'; url: string };

/** What a load needs to know. */
export interface LoadInput {
  descriptorUrl: string;
  source: DescriptorSource;
  owner: string;
  datasetId: string;
  /** How long transient failures are retried (PACKAGE_LOAD_RETRY_SECONDS); 15 minutes when absent. */
  retryWindowSeconds?: number;
}

/** One resource to load, planned from the descriptor. */
export interface ResourcePlan {
  index: number;
  name: string;
  /** Its files, in order (a resource may be split into several). */
  sources: DescriptorSource[];
  /** Its fields with the rules that read them, and their titles (the model's labels). */
  fields: (FieldRules & { title?: string })[];
  /** The schema's `missingValues`, when it lists its own. */
  missingValues?: string[];
  dialect: CsvDialect;
}

/** What loading one resource did. */
export interface ResourceLoadResult {
  rows: number;
  /** Rows an earlier, interrupted attempt had committed and this one kept (0 when it started afresh). */
  resumedAt: number;
}
