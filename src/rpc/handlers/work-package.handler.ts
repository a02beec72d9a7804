import { CoreError } from '../../core/errors.js';
import { parseCreateWorkPackageBody } from '../../core/work-packages/create-request.validation.js';
import type { WorkPackageService } from '../../core/work-packages/work-package.service.js';
import { WorkPackageServiceService, type WorkPackageServiceServer } from '../../gen/conductor/workpackage/v1/workpackage.js';
import type { Logger } from '../../logger.js';
import { InvalidTokenError } from '../../ports/token-codec.js';
import type { InternalTokenVerifier, InternalUser } from '../../ports/work-package-tokens.js';
import { serviceHandlers } from '../service-handlers.js';
import type { CallContext } from '../unary.js';
import { unary } from '../unary.js';

export interface WorkPackageHandlerDeps {
  logger: Logger;
  internalTokens: InternalTokenVerifier;
  workPackages: WorkPackageService;
}

/** The bearer token of the Authorization header (GHGA reads no other place). */
function bearer(context: CallContext): string | undefined {
  return context.header('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1];
}

const json = (value: unknown) => ({ contentType: 'application/json', data: Buffer.from(JSON.stringify(value)), extensions: [] });

/** WorkPackageService over gRPC: GHGA's 2.0.6 routes and `/health`. */
export function workPackageHandlers({ logger, internalTokens, workPackages }: WorkPackageHandlerDeps): WorkPackageServiceServer {
  const userOf = async (context: CallContext): Promise<InternalUser> => {
    const token = bearer(context);
    if (!token) throw new CoreError('unauthenticated', 'Not authenticated');
    try {
      return await internalTokens.verify(token);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw new CoreError('unauthenticated', 'Invalid authentication credentials');
      throw error;
    }
  };
  const viaGateway = (context: CallContext) => context.originalPath !== undefined;

  return serviceHandlers<WorkPackageServiceServer>(WorkPackageServiceService, logger, {
    createWorkPackage: unary(logger, async (request, context) => {
      const user = await userOf(context);
      const input = request.jsonBody
        ? parseCreateWorkPackageBody(request.jsonBody)
        : { datasetId: request.datasetId, type: request.type, fileIds: request.fileIds, userPublicCrypt4ghKey: request.userPublicCrypt4ghKey };
      const created = await workPackages.create(user, input);
      context.respondWith({ status: 201 });
      return created;
    }),

    getWorkPackage: unary(logger, async (request, context) => {
      const workPackage = await workPackages.get(request.id, bearer(context));
      return { type: workPackage.type, files: workPackage.files, created: workPackage.created.toISOString(), expires: workPackage.expires.toISOString() };
    }),

    createWorkOrderToken: unary(logger, async (request, context) => {
      const token = await workPackages.workOrderToken(request.id, request.fileId, bearer(context));
      context.respondWith({ status: 201, headers: { 'cache-control': 'max-age=30, private' } });
      return viaGateway(context) ? { token: '', httpBody: json(token) } : { token, httpBody: undefined };
    }),

    listUserDatasets: unary(logger, async (request, context) => {
      const datasets = (await workPackages.datasetsOf(await userOf(context), request.userId)).map((dataset) => ({
        id: dataset.id,
        stage: dataset.stage,
        title: dataset.title,
        description: dataset.description,
        files: dataset.files.map((file) => ({ id: file.id, extension: file.extension })),
      }));
      return viaGateway(context) ? { datasets: [], httpBody: json(datasets) } : { datasets, httpBody: undefined };
    }),

    grantDatasetAccess: unary(logger, async (request) => {
      await workPackages.grant(request.userId, request.datasetId);
      return {};
    }),

    revokeDatasetAccess: unary(logger, async (request) => {
      await workPackages.revoke(request.userId, request.datasetId);
      return {};
    }),

    getHealth: unary(logger, async () => ({ status: 'OK' })),
  });
}
