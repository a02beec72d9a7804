import type { z } from 'zod';
import { authConfigSchema } from './auth.config.js';
import { databaseConfigSchema } from './database.config.js';
import { datastoreConfigSchema } from './datastore.config.js';
import { ConfigError, parseSection, type Env } from './env.js';
import { objectStoreConfigSchema } from './object-store.config.js';
import { packageConfigSchema } from './package.config.js';
import { searchConfigSchema } from './search.config.js';
import { serverConfigSchema } from './server.config.js';
import { temporalConfigSchema } from './temporal.config.js';
import { workPackageConfigSchema } from './work-package.config.js';

export { ConfigError } from './env.js';

const schemas = {
  server: serverConfigSchema,
  database: databaseConfigSchema,
  objectStore: objectStoreConfigSchema,
  search: searchConfigSchema,
  temporal: temporalConfigSchema,
  auth: authConfigSchema,
  datastore: datastoreConfigSchema,
  workPackage: workPackageConfigSchema,
  packages: packageConfigSchema,
};

/** Every component's configuration; each component is handed only its own slice. */
export type Config = { [K in keyof typeof schemas]: z.output<(typeof schemas)[K]> };

const allSections = Object.keys(schemas) as (keyof Config)[];

/**
 * Reads and validates the environment once at start. A process asks only for
 * the sections it uses (the worker has no gRPC listener, say). Throws a
 * ConfigError listing every problem at once.
 */
export function loadConfig<K extends keyof Config = keyof Config>(
  sections: K[] = allSections as K[],
  env: Env = process.env,
): Pick<Config, K> {
  const problems: string[] = [];
  const config = Object.fromEntries(sections.map((key) => [key, parseSection(schemas[key], env, problems)]));
  if (problems.length) throw new ConfigError(problems);
  return config as Pick<Config, K>;
}
