import { z } from 'zod';
import { httpUrl } from './env.js';

/** Elasticsearch, holding the package registry. */
export const searchConfigSchema = z
  .object({
    ELASTICSEARCH_URL: httpUrl,
    ELASTICSEARCH_INDEX_PREFIX: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lower-case letters, digits, _ or -')
      .default('conductor'),
  })
  .transform((env) => ({ url: env.ELASTICSEARCH_URL, indexPrefix: env.ELASTICSEARCH_INDEX_PREFIX }));

export type SearchConfig = z.output<typeof searchConfigSchema>;
