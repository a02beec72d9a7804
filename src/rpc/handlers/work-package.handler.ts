import { parseCreateWorkPackageBody } from '../../core/work-packages/create-request.validation.js';
import type { WorkPackageService } from '../../core/work-packages/work-package.service.js';
import { WorkPackageServiceService, type WorkPackageServiceServer } from '../../gen/conductor/workpackage/v1/workpackage.js';
import { expectCaller } from '../caller.js';
import { jsonBody, viaGateway } from '../json-body.js';
import { serviceHandlers, type RpcRuntime } from '../service-handlers.js';

export interface WorkPackageHandlerDeps {
  workPackages: WorkPackageService;
}

/** WorkPackageService over gRPC: GHGA's 2.0.6 routes and `/health`. */
export function workPackageHandlers(runtime: RpcRuntime, { workPackages }: WorkPackageHandlerDeps): WorkPackageServiceServer {
  return serviceHandlers<WorkPackageServiceServer>(WorkPackageServiceService, runtime, {
    createWorkPackage: async (request, context) => {
      const { user } = expectCaller(context.caller, 'work-package-user');
      const input = request.jsonBody
        ? parseCreateWorkPackageBody(request.jsonBody)
        : { datasetId: request.datasetId, type: request.type, fileIds: request.fileIds, userPublicCrypt4ghKey: request.userPublicCrypt4ghKey };
      const created = await workPackages.create(user, input);
      context.respondWith({ status: 201 });
      return created;
    },

    getWorkPackage: async (request, { caller }) => {
      const workPackage = await workPackages.get(request.id, expectCaller(caller, 'work-package-access').token);
      return { type: workPackage.type, files: workPackage.files, created: workPackage.created.toISOString(), expires: workPackage.expires.toISOString() };
    },

    createWorkOrderToken: async (request, context) => {
      const token = await workPackages.workOrderToken(request.id, request.fileId, expectCaller(context.caller, 'work-package-access').token);
      context.respondWith({ status: 201, headers: { 'cache-control': 'max-age=30, private' } });
      return viaGateway(context) ? { token: '', httpBody: jsonBody(token) } : { token, httpBody: undefined };
    },

    listUserDatasets: async (request, context) => {
      const { user } = expectCaller(context.caller, 'work-package-user');
      const datasets = (await workPackages.datasetsOf(user, request.userId)).map((dataset) => ({
        id: dataset.id,
        stage: dataset.stage,
        title: dataset.title,
        description: dataset.description,
        files: dataset.files.map((file) => ({ id: file.id, extension: file.extension })),
      }));
      return viaGateway(context) ? { datasets: [], httpBody: jsonBody(datasets) } : { datasets, httpBody: undefined };
    },

    grantDatasetAccess: async (request) => {
      await workPackages.grant(request.userId, request.datasetId);
      return {};
    },

    revokeDatasetAccess: async (request) => {
      await workPackages.revoke(request.userId, request.datasetId);
      return {};
    },

    getHealth: async () => ({ status: 'OK' }),
  });
}
