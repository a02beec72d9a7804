import type { HttpBody } from '../gen/google/api/httpbody.js';
import type { HandlerContext } from './service-handlers.js';

/**
 * A call the gateway transcodes carries its original HTTP path; a gRPC
 * caller's does not. Routes whose HTTP body is an `http_body` answer each
 * kind of caller in its own shape.
 */
export const viaGateway = (context: Pick<HandlerContext, 'originalPath'>): boolean => context.originalPath !== undefined;

/**
 * A value as the JSON body of an HTTP route, written once by the server
 * (rather than built as protobuf messages for the transcoder to turn into
 * JSON again).
 */
export const jsonBody = (value: unknown): HttpBody => ({ contentType: 'application/json', data: Buffer.from(JSON.stringify(value)), extensions: [] });
