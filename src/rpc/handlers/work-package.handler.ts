import { WorkPackageServiceService, type WorkPackageServiceServer } from '../../gen/conductor/workpackage/v1/workpackage.js';
import type { Logger } from '../../logger.js';
import { serviceHandlers } from '../service-handlers.js';
import { unary } from '../unary.js';

/** WorkPackageService over gRPC; the methods not listed here answer UNIMPLEMENTED until built. */
export function workPackageHandlers(logger: Logger): WorkPackageServiceServer {
  return serviceHandlers<WorkPackageServiceServer>(WorkPackageServiceService, logger, {
    getHealth: unary(logger, async () => ({ status: 'OK' })),
  });
}
