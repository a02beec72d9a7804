import type { DatastoreService } from '../../core/datastore/datastore.service.js';
import { DatastoreServiceService, type DatastoreServiceServer } from '../../gen/conductor/datastore/v1/datastore.js';
import { expectCaller } from '../caller.js';
import { jsonBody, viaGateway } from '../json-body.js';
import { serviceHandlers, type RpcRuntime } from '../service-handlers.js';

export interface DatastoreHandlerDeps {
  datastore: DatastoreService;
}

/** DatastoreService over gRPC: `/datastore/authorize` (and `POST /datastore/`), `/datastore/info`. */
export function datastoreHandlers(runtime: RpcRuntime, { datastore }: DatastoreHandlerDeps): DatastoreServiceServer {
  return serviceHandlers<DatastoreServiceServer>(DatastoreServiceService, runtime, {
    authorize: async (request, context) => {
      const permission = expectCaller(context.caller, 'permission');
      const files = await datastore.authorize(permission.claims, {
        metadata: request.metadata ? { owner: request.metadata.owner || undefined, name: request.metadata.name || undefined } : undefined,
        filedata: request.filedata,
      });
      // Already in the JSON shape of SignedUpload (snake_case), which is what the Struct carries. Through
      // the gateway, the JSON itself: for 1,000 files, a Struct of some 20,000 values built, encoded and
      // turned back into JSON by the transcoder cost more than the signing (bench:datastore).
      return viaGateway(context) ? { filedata: undefined, httpBody: jsonBody({ filedata: files }) } : { filedata: files, httpBody: undefined };
    },

    // A user token or a permission token: both name the user.
    info: async (_request, { caller }) => ({ prefixes: datastore.info(expectCaller(caller, 'user', 'permission').userid) }),
  });
}
