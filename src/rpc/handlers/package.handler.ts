import { CoreError } from '../../core/errors.js';
import { datastoreService, type UploadAccess } from '../../core/datastore/upload-access.js';
import type { PackageAdminService } from '../../core/packages/package-admin.service.js';
import type { PackageLoadService } from '../../core/packages/load.service.js';
import { PackageServiceService, type PackageServiceServer } from '../../gen/conductor/package/v1/package.js';
import { SearchUnavailableError } from '../../ports/package-search.js';
import { expectCaller, type Caller } from '../caller.js';
import { serviceHandlers, type RpcRuntime } from '../service-handlers.js';

export interface PackageHandlerDeps {
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
/**
 * The user a package-administration call acts for: the owner's user token, or
 * an `os.datastore` permission token naming them (what os-admin sends as `jwt`).
 */
function actingUser(caller: Caller): string {
  const credential = expectCaller(caller, 'user', 'permission');
  if (credential.kind === 'permission' && credential.claims.service !== datastoreService) throw new CoreError('permission-denied', `The token is not for ${datastoreService}`);
  return credential.userid;
}

export function packageHandlers(runtime: RpcRuntime, { uploads, packages, loads }: PackageHandlerDeps): PackageServiceServer {
  return serviceHandlers<PackageServiceServer>(PackageServiceService, runtime, {
    upload: async (request, { caller }) => {
      const uploader = expectCaller(caller, 'user', 'permission');
      const userid = await uploads.uploaderOf(uploader.kind === 'user' ? { kind: 'user', userid: uploader.userid } : { kind: 'permission', claims: uploader.claims });
      return loads.upload(userid, request.datapackage || undefined);
    },

    getStatus: async (request) => loads.status(request.datapackage || undefined),

    publish: async (request, { caller }) => {
      const userid = actingUser(caller);
      return { success: true, published: await registryCall(() => packages.publish(userid, request.id, request.publish)) };
    },

    delete: async (request, { caller }) => {
      const userid = actingUser(caller);
      await registryCall(() => packages.delete(userid, request.id));
      return { success: true };
    },

    updateParams: async (request, { caller }) => {
      const userid = actingUser(caller);
      await registryCall(() => packages.updateParams(userid, request.id, request.paramsDocument));
      return { success: true };
    },

    getStats: async () => {
      const stats = await registryCall(() => packages.stats());
      return { numPackages: stats.packages, numRecords: stats.records, numCountries: stats.countries };
    },
  });
}
