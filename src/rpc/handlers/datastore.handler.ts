import { CoreError } from '../../core/errors.js';
import type { DatastoreService } from '../../core/datastore/datastore.service.js';
import type { TokenService } from '../../core/auth/tokens.service.js';
import { DatastoreServiceService, type DatastoreServiceServer } from '../../gen/conductor/datastore/v1/datastore.js';
import type { Logger } from '../../logger.js';
import { requestToken } from '../request-token.js';
import { serviceHandlers } from '../service-handlers.js';
import { unary } from '../unary.js';

export interface DatastoreHandlerDeps {
  logger: Logger;
  tokens: TokenService;
  datastore: DatastoreService;
}

/** DatastoreService over gRPC: `/datastore/authorize` (and `POST /datastore/`), `/datastore/info`. */
export function datastoreHandlers({ logger, tokens, datastore }: DatastoreHandlerDeps): DatastoreServiceServer {
  return serviceHandlers<DatastoreServiceServer>(DatastoreServiceService, logger, {
    authorize: unary(logger, async (request, context) => {
      const permission = await tokens.verifyPermissionToken(requestToken(context, request.jwt));
      const files = await datastore.authorize(permission, {
        metadata: request.metadata ? { owner: request.metadata.owner || undefined, name: request.metadata.name || undefined } : undefined,
        filedata: request.filedata,
      });
      // Already in the JSON shape of SignedUpload (snake_case), which is what the Struct carries.
      return { filedata: files };
    }),

    info: unary(logger, async (request, context) => {
      const token = requestToken(context, request.jwt);
      // A user token or a permission token: both name the user.
      const userid = await tokens.verifyUserToken(token).then(
        (claims) => claims.userid,
        async (error: unknown) => {
          if (!(error instanceof CoreError)) throw error;
          return (await tokens.verifyPermissionToken(token)).userid;
        },
      );
      return { prefixes: datastore.info(userid) };
    }),
  });
}
