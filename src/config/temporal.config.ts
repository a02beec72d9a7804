import { z } from 'zod';
import { httpUrl } from './env.js';

/** Temporal, running package loads. */
export const temporalConfigSchema = z
  .object({
    TEMPORAL_ADDRESS: z.string().regex(/^[^:\s]+:\d+$/, 'must be host:port').default('127.0.0.1:7233'),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('conductor-loads'),
    TEMPORAL_UI_URL: httpUrl.optional(),
    /** Where the worker serves Prometheus metrics (Temporal SDK and load metrics), e.g. 127.0.0.1:9464; empty: none. */
    TEMPORAL_WORKER_METRICS_ADDRESS: z.union([z.literal(''), z.string().regex(/^[^:\s]+:\d+$/, 'must be host:port')]).default(''),
  })
  .transform((env) => ({
    address: env.TEMPORAL_ADDRESS,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    uiUrl: env.TEMPORAL_UI_URL,
    workerMetricsAddress: env.TEMPORAL_WORKER_METRICS_ADDRESS || undefined,
  }));

export type TemporalConfig = z.output<typeof temporalConfigSchema>;
