import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../../logger.js';

/** A route of the plain HTTP listener (what cannot be a gRPC binding: OAuth browser redirects). */
export interface HttpRoute {
  matches(pathname: string): boolean;
  /** Routes are GET-only unless they say otherwise. */
  anyMethod?: boolean;
  handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> | void;
}

/**
 * Conductor's plain HTTP listener, reached through Envoy under /oauth/. Unknown
 * paths get the API's JSON error shape with 404, never HTML.
 */
export function createHttpListener(logger: Logger, routes: HttpRoute[]): Server {
  // Envoy bounds request headers (60 KiB); Node's own, smaller limit would
  // answer an empty 431 to a long login URL that Envoy repeats in headers.
  const server = createServer({ maxHeaderSize: 64 * 1024 }, (request, response) => {
    const url = new URL(request.url ?? '/', 'http://listener');
    response.on('finish', () =>
      logger.info({ request_id: request.headers['x-request-id'], method: request.method, path: url.pathname, status: response.statusCode }, 'http'),
    );
    const route = routes.find((candidate) => candidate.matches(url.pathname));
    if (!route || (request.method !== 'GET' && !route.anyMethod)) return sendJsonError(response, 404, 5, `No route ${url.pathname}`);
    Promise.resolve(route.handle(request, response, url)).catch((error: unknown) => {
      logger.error({ err: error, path: url.pathname }, 'http route failed');
      if (!response.headersSent) sendJsonError(response, 500, 13, 'Internal error; it has been logged');
    });
  });
  // Requests Node cannot parse get the JSON error shape too, not an empty body.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const [status, reason, message] = error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large', 'Request headers too large'] : [400, 'Bad Request', 'Malformed HTTP request'];
    const body = JSON.stringify({ code: 3, message, details: [] });
    socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });
  return server;
}

/**
 * Where the gateway sends native gRPC and gRPC-Web requests (see
 * envoy/envoy.template.yaml): the public listener serves the JSON API only.
 */
export const refusedGrpcRoute: HttpRoute = {
  matches: (path) => path === '/oauth/refused-grpc',
  anyMethod: true,
  handle: (request, response) => {
    request.resume();
    sendJsonError(response, 403, 7, "The public gateway serves the JSON API only; gRPC clients use Conductor's gRPC port");
  },
};

/** The same `{code, message, details}` shape Envoy gives gRPC errors. */
export function sendJsonError(response: ServerResponse, httpStatus: number, grpcCode: number, message: string): void {
  response.writeHead(httpStatus, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ code: grpcCode, message, details: [] }));
}
