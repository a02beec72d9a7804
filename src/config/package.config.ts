import { z } from 'zod';
import { count, list } from './env.js';

/** Package loading: which hosts besides the datastore a descriptor may come from, and size limits. */
export const packageConfigSchema = z
  .object({
    PACKAGE_ALLOWED_HOSTS: list.default([]),
    PACKAGE_MAX_DESCRIPTOR_BYTES: count.min(1).default(1024 * 1024),
    PACKAGE_MAX_RESOURCE_BYTES: count.min(1).default(20 * 1024 ** 3),
    /** Rows per transaction of a load; a load resumed after a crash goes on from the last one. */
    PACKAGE_LOAD_CHECKPOINT_ROWS: count.min(1).default(250_000),
    /** COPY streams at once into one table when PostgreSQL reads the CSV itself (one backend's CPU each). */
    PACKAGE_LOAD_COPY_STREAMS: count.min(1).max(16).default(2),
    /** How long a load retries transient failures (a backend down) before it fails. */
    PACKAGE_LOAD_RETRY_SECONDS: count.min(10).default(15 * 60),
  })
  .transform((env) => ({
    allowedHosts: env.PACKAGE_ALLOWED_HOSTS,
    maxDescriptorBytes: env.PACKAGE_MAX_DESCRIPTOR_BYTES,
    maxResourceBytes: env.PACKAGE_MAX_RESOURCE_BYTES,
    checkpointRows: env.PACKAGE_LOAD_CHECKPOINT_ROWS,
    copyStreams: env.PACKAGE_LOAD_COPY_STREAMS,
    retryWindowSeconds: env.PACKAGE_LOAD_RETRY_SECONDS,
  }));

export type PackageConfig = z.output<typeof packageConfigSchema>;
