import { randomUUID } from 'node:crypto';
import { Metadata, status, type handleUnaryCall, type ServerUnaryCall } from '@grpc/grpc-js';
import type { Logger } from '../logger.js';
import type { CallObserver } from '../ports/call-observer.js';
import { toServiceError } from './status.mapper.js';

/** What a handler may know of the call besides its request message. */
export interface CallContext {
  requestId: string;
  /** A request header (gRPC metadata; Envoy forwards HTTP headers as metadata). */
  header(name: string): string | undefined;
  /**
   * The HTTP request path as the client sent it, when the call came through
   * the gateway (envoy/envoy.template.yaml always sets it); undefined for gRPC clients.
   * Handlers use it to read free-form query parameters and to know when to
   * answer with an HttpBody.
   */
  originalPath: string | undefined;
  /**
   * Response headers, and a success status other than 200 (the contract's
   * 201) that the gateway applies; sent once, before the response.
   */
  respondWith(options: { status?: 201; headers?: Record<string, string> }): void;
}

/**
 * Wraps an async handler as a grpc-js unary handler: errors become gRPC
 * statuses through one mapper, and each call logs one JSON line.
 */
export function unary<Request, Response>(
  logger: Logger,
  handler: (request: Request, context: CallContext) => Promise<Response>,
  observer?: CallObserver,
): handleUnaryCall<Request, Response> {
  return (call: ServerUnaryCall<Request, Response>, callback) => {
    const started = performance.now();
    const requestId = firstValue(call.metadata, 'x-request-id') ?? randomUUID();
    const context: CallContext = {
      requestId,
      header: (name) => firstValue(call.metadata, name),
      originalPath: firstValue(call.metadata, 'x-conductor-original-path'),
      respondWith: ({ status, headers }) => {
        const metadata = new Metadata();
        if (status) metadata.set('x-http-status', String(status));
        for (const [name, value] of Object.entries(headers ?? {})) metadata.set(name, value);
        call.sendMetadata(metadata);
      },
    };
    handler(call.request, context).then(
      (response) => {
        logger.info({ request_id: requestId, method: call.getPath(), code: 'OK', ms: elapsed(started) }, 'rpc');
        observer?.callEnded(call.getPath(), 'OK', (performance.now() - started) / 1000);
        callback(null, response);
      },
      (error: unknown) => {
        const serviceError = toServiceError(error);
        const line = { request_id: requestId, method: call.getPath(), code: serviceError.code, ms: elapsed(started) };
        if (serviceError.unexpected) logger.error({ ...line, err: error }, 'rpc failed');
        else if (serviceError.backendDown) logger.warn({ ...line, err: error }, 'rpc: backend unavailable');
        else logger.info({ ...line, message: serviceError.details }, 'rpc');
        observer?.callEnded(call.getPath(), status[serviceError.code ?? status.UNKNOWN] ?? String(serviceError.code), (performance.now() - started) / 1000);
        callback(serviceError);
      },
    );
  };
}

function firstValue(metadata: Metadata, name: string): string | undefined {
  const value = metadata.get(name)[0];
  return value === undefined ? undefined : value.toString();
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
