import type { ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import { CoreError } from '../core/errors.js';
import type { Logger } from '../logger.js';
import { unary } from './unary.js';

/**
 * A service's handlers: the ones built so far, and for every other method a
 * handler answering UNIMPLEMENTED (HTTP 501) with a message saying so, never
 * a fake success.
 */
export function serviceHandlers<Implementation extends UntypedServiceImplementation>(
  definition: ServiceDefinition,
  logger: Logger,
  built: Partial<Implementation>,
): Implementation {
  const handlers: UntypedServiceImplementation = {};
  for (const [method, { path }] of Object.entries(definition)) {
    handlers[method] =
      built[method] ??
      unary(logger, async () => {
        throw new CoreError('not-implemented', `${path.slice(1)} is not built yet`);
      });
  }
  return handlers as Implementation;
}
