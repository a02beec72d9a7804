import { CoreError } from '../../core/errors.js';
import type { TokenService } from '../../core/auth/tokens.service.js';
import type { UploadAccess } from '../../core/datastore/upload-access.js';
import type { PackageAdminService } from '../../core/packages/package-admin.service.js';
import type { PackageLoadService } from '../../core/packages/load.service.js';
import { PackageServiceService, type PackageServiceServer } from '../../gen/conductor/package/v1/package.js';
import type { Logger } from '../../logger.js';
import { SearchUnavailableError } from '../../ports/package-search.js';
import { requestToken } from '../request-token.js';
import { serviceHandlers } from '../service-handlers.js';
import type { CallContext } from '../unary.js';
import { unary } from '../unary.js';

export interface PackageHandlerDeps {
  logger: Logger;
  tokens: TokenService;
  uploads: UploadAccess;
  packages: PackageAdminService;
  loads: PackageLoadService;
}

/** The registry being unreachable is a 503, not a 500. */
async function registryCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SearchUnavailableError) throw new CoreError('unavailable', 'The package registry is unavailable; try again later');
    throw error;
  }
}

/** PackageService over gRPC: uploads run as Temporal workflows; the rest works on the registry. */
export function packageHandlers({ logger, tokens, uploads, packages, loads }: PackageHandlerDeps): PackageServiceServer {
  const userOf = async (context: CallContext, jwt: string) => (await tokens.verifyUserToken(requestToken(context, jwt))).userid;

  return serviceHandlers<PackageServiceServer>(PackageServiceService, logger, {
    upload: unary(logger, async (request, context) => {
      const userid = await uploads.uploaderOf(requestToken(context, request.jwt));
      return loads.upload(userid, request.datapackage || undefined);
    }),

    getStatus: unary(logger, async (request) => loads.status(request.datapackage || undefined)),

    publish: unary(logger, async (request, context) => {
      const userid = await userOf(context, request.jwt);
      return { success: true, published: await registryCall(() => packages.publish(userid, request.id, request.publish)) };
    }),

    delete: unary(logger, async (request, context) => {
      const userid = await userOf(context, request.jwt);
      await registryCall(() => packages.delete(userid, request.id));
      return { success: true };
    }),

    updateParams: unary(logger, async (request, context) => {
      const userid = await userOf(context, request.jwt);
      await registryCall(() => packages.updateParams(userid, request.id, request.paramsDocument));
      return { success: true };
    }),

    getStats: unary(logger, async () => {
      const stats = await registryCall(() => packages.stats());
      return { numPackages: stats.packages, numRecords: stats.records, numCountries: stats.countries };
    }),
  });
}
