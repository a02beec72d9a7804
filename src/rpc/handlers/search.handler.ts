import { CoreError } from '../../core/errors.js';
import type { SearchService } from '../../core/search/search.service.js';
import { SearchServiceService, type SearchServiceServer } from '../../gen/conductor/search/v1/search.js';
import { jsonBody, viaGateway } from '../json-body.js';
import { serviceHandlers, type RpcRuntime } from '../service-handlers.js';

export interface SearchHandlerDeps {
  search: SearchService;
}

/** Query parameters that are not filters (`_` is jQuery's cache-buster, sent by os-admin). */
const reserved = new Set(['q', 'size', 'jwt', '_']);
const maxParameters = 200;

/**
 * SearchService over gRPC: `GET /search/{kind}`. Over HTTP the filters are
 * arbitrary `<field>=<JSON>` query parameters, which a transcoder cannot map
 * to fields; they are read from the original request path (`CallContext.originalPath`).
 */
export function searchHandlers(runtime: RpcRuntime, { search }: SearchHandlerDeps): SearchServiceServer {
  return serviceHandlers<SearchServiceServer>(SearchServiceService, runtime, {
    search: async (request, context) => {
      const { originalPath, caller } = context;
      const filters = [...request.filters];
      if (originalPath !== undefined) {
        const parameters = [...new URLSearchParams(originalPath.split('?')[1] ?? '')];
        if (parameters.length > maxParameters) throw new CoreError('invalid-argument', `At most ${maxParameters} query parameters`);
        for (const [field, value] of parameters) if (!reserved.has(field)) filters.push({ field, value });
      }
      // An invalid token searches anonymously (reference behaviour), it is not an error.
      const viewer = caller.kind === 'user' ? caller.userid : undefined;
      const results = await search.find({ kind: request.kind, q: request.q, size: request.size, filters }, viewer);
      // Through the gateway only the JSON body is sent: encoding the results twice (Struct and JSON) cost a third of the time.
      return viaGateway(context) ? { results: [], httpBody: jsonBody(results) } : { results, httpBody: undefined };
    },
  });
}
