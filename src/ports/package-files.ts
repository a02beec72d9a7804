import type { DescriptorSource } from '../core/packages/load.types.js';

/**
 * Reads a package's files: from the datastore bucket, or from an allowed web
 * host. A file that is not there, or may not be read, fails with a CoreError
 * (a retry would not help); other failures are worth a retry.
 */
export interface PackageFiles {
  open(source: DescriptorSource): Promise<AsyncIterable<Uint8Array>>;
}
