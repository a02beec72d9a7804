import { z } from 'zod';
import { count, list } from './env.js';

/** Package loading: which hosts besides the datastore a descriptor may come from, and size limits. */
export const packageConfigSchema = z
  .object({
    PACKAGE_ALLOWED_HOSTS: list.default([]),
    PACKAGE_MAX_DESCRIPTOR_BYTES: count.min(1).default(1024 * 1024),
  })
  .transform((env) => ({ allowedHosts: env.PACKAGE_ALLOWED_HOSTS, maxDescriptorBytes: env.PACKAGE_MAX_DESCRIPTOR_BYTES }));

export type PackageConfig = z.output<typeof packageConfigSchema>;
