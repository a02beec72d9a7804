import { z } from 'zod';
import { httpUrl } from './env.js';

/** The S3-compatible object store (MinIO locally) holding uploaded files. */
export const objectStoreConfigSchema = z
  .object({
    S3_ENDPOINT: httpUrl,
    S3_PUBLIC_ENDPOINT: httpUrl.optional(),
    S3_ACCESS_KEY: z.string().min(1),
    S3_SECRET_KEY: z.string().min(8),
    S3_BUCKET: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name')
      .default('conductor-datastore'),
    S3_REGION: z.string().default('us-east-1'),
  })
  .transform((env) => ({
    endpoint: env.S3_ENDPOINT,
    publicEndpoint: env.S3_PUBLIC_ENDPOINT ?? env.S3_ENDPOINT,
    accessKey: env.S3_ACCESS_KEY,
    secretKey: env.S3_SECRET_KEY,
    bucket: env.S3_BUCKET,
    region: env.S3_REGION,
  }));

export type ObjectStoreConfig = z.output<typeof objectStoreConfigSchema>;
