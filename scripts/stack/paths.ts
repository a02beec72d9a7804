import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The checkout this script runs from. */
export const repoRoot = resolve(import.meta.dirname, '..', '..');

/**
 * Where installed parts live: outside the checkout, so fresh clones and CI
 * runs reuse them. Override with CONDUCTOR_CACHE_DIR. Under root it is
 * /var/cache/conductor, not root's home: PostgreSQL and Elasticsearch then run
 * as an unprivileged account that must be able to reach their files.
 */
export const cacheDir = resolve(
  process.env.CONDUCTOR_CACHE_DIR ??
    (process.getuid?.() === 0
      ? '/var/cache/conductor'
      : join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'conductor')),
);

/** Folder of one installed part, keyed by its version. */
export function partDir(part: string, version: string): string {
  return join(cacheDir, `${part}-${version}`);
}
