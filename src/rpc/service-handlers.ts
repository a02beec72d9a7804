import type { handleUnaryCall, ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import { CoreError } from '../core/errors.js';
import type { Logger } from '../logger.js';
import { accessOf } from './access-policy.js';
import type { Caller, CallerResolver } from './caller.js';
import type { CallObserver } from '../ports/call-observer.js';
import { unary, type CallContext } from './unary.js';

/** What a handler knows of its call: the call context and the caller its access resolved. */
export type HandlerContext = CallContext & { caller: Caller };

/** A service's handlers as plain async functions of the request and the handler context. */
export type Handlers<Server> = {
  [Method in keyof Server as string extends Method ? never : Method]?: Server[Method] extends handleUnaryCall<infer Request, infer Response>
    ? (request: Request, context: HandlerContext) => Promise<Response>
    : never;
};

/** What every handler runs with: the logger and the resolver of callers. */
export interface RpcRuntime {
  logger: Logger;
  resolveCaller: CallerResolver;
  /** Told of every call's end (metrics), when there is one. */
  observer?: CallObserver;
}

/**
 * A service's grpc-js implementation. Every method goes through the one
 * wrapper: its caller is resolved by the access policy before the handler
 * runs (a method missing from the policy stops the server from starting).
 * Methods without a handler yet answer UNIMPLEMENTED (HTTP 501), never a fake success.
 */
export function serviceHandlers<Implementation extends UntypedServiceImplementation>(
  definition: ServiceDefinition,
  { logger, resolveCaller, observer }: RpcRuntime,
  built: Handlers<Implementation>,
): Implementation {
  const handlers: UntypedServiceImplementation = {};
  const byName = built as Record<string, ((request: unknown, context: HandlerContext) => Promise<unknown>) | undefined>;
  for (const [method, { path }] of Object.entries(definition)) {
    const access = accessOf(path);
    const handler =
      byName[method] ??
      (async () => {
        throw new CoreError('not-implemented', `${path.slice(1)} is not built yet`);
      });
    handlers[method] = unary(
      logger,
      async (request: unknown, context: CallContext) => handler(request, { ...context, caller: await resolveCaller(access, request, context) }),
      observer,
    ) as handleUnaryCall<unknown, unknown>;
  }
  return handlers as Implementation;
}
