import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { repoRoot } from '../../scripts/stack/paths.ts';

/** Serves the demo web app (test/browser/app) on its own origin, with the gateway's address filled in. */
export async function startAppServer(gateway: string): Promise<{ url: string; close(): Promise<void> }> {
  const page = (name: string) => readFileSync(new URL(`./app/${name}`, import.meta.url), 'utf8').replaceAll('{{GATEWAY}}', gateway);
  const pages: Record<string, string> = { '/': page('index.html'), '/index.html': page('index.html'), '/os-admin.html': page('os-admin.html'), '/os-packager.html': page('os-packager.html'), '/logged-in': page('logged-in.html') };
  // The real libraries os-admin and os-packager use, from npm.
  const vendor: Record<string, string> = {
    '/vendor/angular.js': 'angular/angular.js',
    '/vendor/ngStorage.js': 'ngstorage/ngStorage.js',
    '/vendor/jquery.js': 'jquery/dist/jquery.js',
  };
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://app').pathname;
    const html = Object.hasOwn(pages, path) ? pages[path] : undefined;
    if (html !== undefined) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
      return;
    }
    const library = Object.hasOwn(vendor, path) ? vendor[path] : undefined;
    if (library !== undefined) {
      response.writeHead(200, { 'content-type': 'application/javascript; charset=utf-8' }).end(readFileSync(join(repoRoot, 'node_modules', library)));
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
