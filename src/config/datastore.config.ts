import { z } from 'zod';
import { count, list } from './env.js';

/** Limits and URL lifetime of datastore uploads. */
export const datastoreConfigSchema = z
  .object({
    DATASTORE_MAX_FILES: count.min(1).default(1000),
    // S3's limit for a single PUT.
    DATASTORE_MAX_FILE_BYTES: count.min(1).default(5 * 1024 ** 3),
    // As the reference: three days.
    DATASTORE_URL_EXPIRY_SECONDS: count.min(1).max(7 * 24 * 3600).default(3 * 24 * 3600),
    // Public URL prefixes of a user's files, `{userid}` replaced; unset = the reference's set, derived from S3_PUBLIC_ENDPOINT and S3_BUCKET.
    DATASTORE_PUBLIC_PREFIXES: list.optional(),
  })
  .transform((env) => ({
    maxFiles: env.DATASTORE_MAX_FILES,
    maxFileBytes: env.DATASTORE_MAX_FILE_BYTES,
    urlExpirySeconds: env.DATASTORE_URL_EXPIRY_SECONDS,
    publicPrefixes: env.DATASTORE_PUBLIC_PREFIXES,
  }));

export type DatastoreConfig = z.output<typeof datastoreConfigSchema>;
