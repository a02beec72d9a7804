import { createHash } from 'node:crypto';

/**
 * The id of a loaded package's file, as the work-package service hands it
 * out: one URL path segment of unreserved characters (ghga-connector puts it
 * into `/work-packages/{id}/files/{file_id}/…` as is, unescaped), stable across
 * re-loads of the dataset, and distinct between datasets. The readable part is
 * the resource's name; the hash part is of `<dataset id>/<resource name>` (the
 * id this replaced, so a migration could compute it in SQL).
 */
export function fileIdFor(datasetId: string, resourceName: string): string {
  const readable = resourceName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'file';
  return `${readable}-${createHash('sha256').update(`${datasetId}/${resourceName}`).digest('hex').slice(0, 12)}`;
}
