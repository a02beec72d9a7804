import { CoreError } from '../errors.js';
import type { CreateWorkPackageInput } from './work-package.service.js';

const fields = new Set(['dataset_id', 'type', 'file_ids', 'user_public_crypt4gh_key']);
const invalid = (message: string) => new CoreError('unprocessable', message);

/**
 * The HTTP body of `POST /work-packages`, checked as strictly as GHGA's model:
 * required strings, `file_ids` a list of strings or null, no other field.
 */
export function parseCreateWorkPackageBody(body: Record<string, unknown>): CreateWorkPackageInput {
  const extra = Object.keys(body).filter((key) => !fields.has(key));
  if (extra.length) throw invalid(`${extra.slice(0, 5).join(', ')}: Extra inputs are not permitted`);
  const text = (name: string): string => {
    const value = body[name];
    if (value === undefined || value === null) throw invalid(`${name}: Field required`);
    if (typeof value !== 'string') throw invalid(`${name}: Input should be a valid string`);
    return value;
  };
  const fileIds = body.file_ids;
  if (fileIds !== undefined && fileIds !== null && !(Array.isArray(fileIds) && fileIds.every((id) => typeof id === 'string'))) {
    throw invalid('file_ids: Input should be a list of strings or null');
  }
  return {
    datasetId: text('dataset_id'),
    type: text('type'),
    fileIds: (fileIds ?? undefined) as string[] | undefined,
    userPublicCrypt4ghKey: text('user_public_crypt4gh_key'),
  };
}
