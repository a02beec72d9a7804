import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { HttpRoute } from '../oauth/http-listener.js';

/** Swagger UI's static files (swagger-ui-dist, no dependencies), served from node_modules. */
const swaggerUiDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const assets: Record<string, { file: string; type: string }> = {
  '/docs/swagger-ui.css': { file: 'swagger-ui.css', type: 'text/css; charset=utf-8' },
  '/docs/swagger-ui-bundle.js': { file: 'swagger-ui-bundle.js', type: 'application/javascript; charset=utf-8' },
};

// Everything the page runs comes from Conductor itself; the initializer is a
// file of its own so the policy needs no 'unsafe-inline' for scripts.
const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Conductor API</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;
const init = "window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });\n";
const pagePolicy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * `/openapi.json` (docs/openapi.json, generated from the protos) and `/docs`,
 * Swagger UI rendering it; through the gateway like `/ready`. The files are
 * read once, at start.
 */
export async function apiDocsRoutes(openapiFile: string): Promise<HttpRoute[]> {
  const document = await readFile(openapiFile);
  const files = new Map<string, { body: Buffer | string; type: string }>([
    ['/openapi.json', { body: document, type: 'application/json' }],
    ['/docs', { body: page, type: 'text/html; charset=utf-8' }],
    ['/docs/init.js', { body: init, type: 'application/javascript; charset=utf-8' }],
  ]);
  for (const [path, asset] of Object.entries(assets)) files.set(path, { body: await readFile(join(swaggerUiDir, asset.file)), type: asset.type });
  return [
    {
      matches: (path) => files.has(path),
      handle: (_request, response, url) => {
        const { body, type } = files.get(url.pathname) as { body: Buffer | string; type: string };
        response.writeHead(200, {
          'content-type': type,
          'cache-control': 'public, max-age=300',
          'x-content-type-options': 'nosniff',
          ...(url.pathname === '/docs' ? { 'content-security-policy': pagePolicy } : {}),
        });
        response.end(body);
      },
    },
  ];
}
