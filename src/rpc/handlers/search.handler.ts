import { CoreError } from '../../core/errors.js';
import type { TokenService } from '../../core/auth/tokens.service.js';
import type { SearchService } from '../../core/search/search.service.js';
import { SearchServiceService, type SearchServiceServer } from '../../gen/conductor/search/v1/search.js';
import type { Logger } from '../../logger.js';
import { requestToken } from '../request-token.js';
import { serviceHandlers } from '../service-handlers.js';
import { unary } from '../unary.js';

export interface SearchHandlerDeps {
  logger: Logger;
  tokens: TokenService;
  search: SearchService;
}

/** Query parameters that are not filters. */
const reserved = new Set(['q', 'size', 'jwt']);
const maxParameters = 200;

/**
 * SearchService over gRPC: `GET /search/{kind}`. Over HTTP the filters are
 * arbitrary `<field>=<JSON>` query parameters, which a transcoder cannot map
 * to fields; they are read from the original request path (`CallContext.originalPath`).
 */
export function searchHandlers({ logger, tokens, search }: SearchHandlerDeps): SearchServiceServer {
  return serviceHandlers<SearchServiceServer>(SearchServiceService, logger, {
    search: unary(logger, async (request, context) => {
      const { originalPath } = context;
      const filters = [...request.filters];
      if (originalPath !== undefined) {
        const parameters = [...new URLSearchParams(originalPath.split('?')[1] ?? '')];
        if (parameters.length > maxParameters) throw new CoreError('invalid-argument', `At most ${maxParameters} query parameters`);
        for (const [field, value] of parameters) if (!reserved.has(field)) filters.push({ field, value });
      }
      // An invalid token searches anonymously (reference behaviour), it is not an error.
      const viewer = await tokens.verifyUserToken(requestToken(context, request.jwt)).then(
        (claims) => claims.userid,
        (error: unknown) => {
          if (error instanceof CoreError) return undefined;
          throw error;
        },
      );
      const results = await search.find({ kind: request.kind, q: request.q, size: request.size, filters }, viewer);
      // Through the gateway only the JSON body is sent: encoding the results twice (Struct and JSON) cost a third of the time.
      if (originalPath === undefined) return { results, httpBody: undefined };
      return { results: [], httpBody: { contentType: 'application/json', data: Buffer.from(JSON.stringify(results)), extensions: [] } };
    }),
  });
}
