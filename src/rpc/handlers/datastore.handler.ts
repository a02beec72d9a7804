import type { DatastoreService } from '../../core/datastore/datastore.service.js';
import { DatastoreServiceService, type DatastoreServiceServer } from '../../gen/conductor/datastore/v1/datastore.js';
import { expectCaller } from '../caller.js';
import { serviceHandlers, type RpcRuntime } from '../service-handlers.js';

export interface DatastoreHandlerDeps {
  datastore: DatastoreService;
}

/** DatastoreService over gRPC: `/datastore/authorize` (and `POST /datastore/`), `/datastore/info`. */
export function datastoreHandlers(runtime: RpcRuntime, { datastore }: DatastoreHandlerDeps): DatastoreServiceServer {
  return serviceHandlers<DatastoreServiceServer>(DatastoreServiceService, runtime, {
    authorize: async (request, { caller, originalPath }) => {
      const permission = expectCaller(caller, 'permission');
      const files = await datastore.authorize(permission.claims, {
        metadata: request.metadata ? { owner: request.metadata.owner || undefined, name: request.metadata.name || undefined } : undefined,
        filedata: request.filedata,
      });
      // Already in the JSON shape of SignedUpload (snake_case), which is what the Struct carries. Through
      // the gateway, the JSON itself: for 1,000 files, a Struct of some 20,000 values built, encoded and
      // turned back into JSON by the transcoder cost more than the signing (bench:datastore).
      if (originalPath === undefined) return { filedata: files, httpBody: undefined };
      return { filedata: undefined, httpBody: { contentType: 'application/json', data: Buffer.from(JSON.stringify({ filedata: files })), extensions: [] } };
    },

    // A user token or a permission token: both name the user.
    info: async (_request, { caller }) => ({ prefixes: datastore.info(expectCaller(caller, 'user', 'permission').userid) }),
  });
}
