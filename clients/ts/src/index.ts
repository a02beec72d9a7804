/**
 * Promise-based clients of Conductor's gRPC services:
 *
 *   import { connect } from '@conductor/client';
 *   const conductor = connect('127.0.0.1:50051');
 *   const { status } = await conductor.workPackages.getHealth({});
 */
import { createChannel, createClient, Metadata, type Channel } from 'nice-grpc';
import { AuthServiceDefinition } from './gen/conductor/auth/v1/auth.js';
import { DatastoreServiceDefinition } from './gen/conductor/datastore/v1/datastore.js';
import { PackageServiceDefinition } from './gen/conductor/package/v1/package.js';
import { SearchServiceDefinition } from './gen/conductor/search/v1/search.js';
import { WorkPackageServiceDefinition } from './gen/conductor/workpackage/v1/workpackage.js';

export * as auth from './gen/conductor/auth/v1/auth.js';
export * as datastore from './gen/conductor/datastore/v1/datastore.js';
export * as packages from './gen/conductor/package/v1/package.js';
export * as search from './gen/conductor/search/v1/search.js';
export * as workPackages from './gen/conductor/workpackage/v1/workpackage.js';
export { Metadata };

/** One channel to Conductor's gRPC port, with a client per service; `close()` when done. */
export function connect(address: string) {
  const channel: Channel = createChannel(address);
  return {
    auth: createClient(AuthServiceDefinition, channel),
    datastore: createClient(DatastoreServiceDefinition, channel),
    packages: createClient(PackageServiceDefinition, channel),
    search: createClient(SearchServiceDefinition, channel),
    workPackages: createClient(WorkPackageServiceDefinition, channel),
    close: () => channel.close(),
  };
}

/** Call metadata with `authorization: Bearer <token>` (user, permission, work-package or internal token). */
export function bearer(token: string): Metadata {
  return Metadata({ authorization: `Bearer ${token}` });
}
