import { createHash } from 'node:crypto';

/**
 * The PostgreSQL names of a dataset: derived from a hash of the dataset id,
 * never from user text. `fdp_<hash>_<resource index>` names a resource's
 * load checkpoint (and, before the one fact table, its table).
 */
export function tablePrefixFor(datasetId: string): string {
  return `fdp_${createHash('sha256').update(datasetId).digest('hex').slice(0, 24)}`;
}

export function tableNameFor(datasetId: string, resourceIndex: number): string {
  return `${tablePrefixFor(datasetId)}_${resourceIndex}`;
}

/** The resource index in a name `tableNameFor` made, given the dataset's prefix (the inverse, kept beside it). */
export function resourceIndexIn(tableName: string, prefix: string): number {
  return Number(tableName.slice(prefix.length + 1));
}

/**
 * The dataset's fact table: every resource's rows in one table with an
 * `_id` primary key (os-api's babbage counts `_count` over it).
 */
export function factTableFor(datasetId: string): string {
  return `${tablePrefixFor(datasetId)}_facts`;
}
