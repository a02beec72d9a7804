import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../../logger.js';

/** A route of the plain HTTP listener (what cannot be a gRPC binding: OAuth browser redirects). */
export interface HttpRoute {
  matches(pathname: string): boolean;
  handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> | void;
}

/**
 * Conductor's plain HTTP listener, reached through Envoy under /oauth/. Unknown
 * paths get the API's JSON error shape with 404, never HTML.
 */
export function createHttpListener(logger: Logger, routes: HttpRoute[]): Server {
  return createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://listener');
    response.on('finish', () =>
      logger.info({ request_id: request.headers['x-request-id'], method: request.method, path: url.pathname, status: response.statusCode }, 'http'),
    );
    const route = routes.find((candidate) => candidate.matches(url.pathname));
    if (!route || request.method !== 'GET') return sendJsonError(response, 404, 5, `No route ${url.pathname}`);
    Promise.resolve(route.handle(request, response, url)).catch((error: unknown) => {
      logger.error({ err: error, path: url.pathname }, 'http route failed');
      if (!response.headersSent) sendJsonError(response, 500, 13, 'Internal error; it has been logged');
    });
  });
}

/** The same `{code, message, details}` shape Envoy gives gRPC errors. */
export function sendJsonError(response: ServerResponse, httpStatus: number, grpcCode: number, message: string): void {
  response.writeHead(httpStatus, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ code: grpcCode, message, details: [] }));
}
