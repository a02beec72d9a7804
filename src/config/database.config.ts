import { z } from 'zod';

/** PostgreSQL connection (users, permissions, work packages, loaded data). */
export const databaseConfigSchema = z
  .object({
    DATABASE_URL: z
      .string()
      .url()
      .refine((text) => /^postgres(ql)?:\/\//.test(text), 'must be a postgres:// URL'),
    DATABASE_POOL_MAX: z.coerce.number().int().positive().default(10),
  })
  .transform((env) => ({ url: env.DATABASE_URL, poolMax: env.DATABASE_POOL_MAX }));

export type DatabaseConfig = z.output<typeof databaseConfigSchema>;
