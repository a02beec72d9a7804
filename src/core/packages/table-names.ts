import { createHash } from 'node:crypto';

/**
 * The PostgreSQL tables of a dataset's resources: derived from a hash of the
 * dataset id, never from user text. `fdp_<hash>_<resource index>`.
 */
export function tablePrefixFor(datasetId: string): string {
  return `fdp_${createHash('sha256').update(datasetId).digest('hex').slice(0, 24)}`;
}

export function tableNameFor(datasetId: string, resourceIndex: number): string {
  return `${tablePrefixFor(datasetId)}_${resourceIndex}`;
}

/** The view joining a dataset's resource tables (UNION ALL) when it has several: its model's fact table. */
export function factViewFor(datasetId: string): string {
  return `${tablePrefixFor(datasetId)}_fact`;
}
