import { z } from 'zod';
import { count, httpUrl } from './env.js';

/** Elasticsearch, holding the package registry. */
export const searchConfigSchema = z
  .object({
    ELASTICSEARCH_URL: httpUrl,
    ELASTICSEARCH_INDEX_PREFIX: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lower-case letters, digits, _ or -')
      .default('conductor'),
    SEARCH_DEFAULT_SIZE: count.min(1).default(100),
    SEARCH_MAX_SIZE: count.min(1).default(1000),
  })
  .transform((env) => ({
    url: env.ELASTICSEARCH_URL,
    indexPrefix: env.ELASTICSEARCH_INDEX_PREFIX,
    defaultSize: env.SEARCH_DEFAULT_SIZE,
    maxSize: env.SEARCH_MAX_SIZE,
  }));

export type SearchConfig = z.output<typeof searchConfigSchema>;
