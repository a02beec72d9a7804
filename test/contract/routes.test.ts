/**
 * Every route of the contract must be an HTTP binding of the built descriptor
 * set (what Envoy actually transcodes), so none can go missing unnoticed.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/stack/paths.ts';

/** The routes of the contract (method + path; `{x}` marks a path parameter), one per table row and alias. */
const contractRoutes = [
  'GET /user/check', 'GET /user/authorize', 'POST /user/update', 'GET /user/public-key', 'GET /user/lib',
  'GET /auth/check', 'GET /auth/authorize', 'POST /auth/update', 'GET /auth/public-key', 'GET /auth/lib',
  'POST /datastore/authorize', 'GET /datastore/info',
  'POST /package/upload', 'GET /package/status', 'POST /package/publish', 'POST /package/delete',
  'POST /package/update_params', 'GET /package/stats',
  'GET /search/{kind}',
  'POST /work-packages', 'GET /work-packages/{id}', 'POST /work-packages/{id}/files/{file_id}/work-order-tokens',
  'GET /users/{user_id}/datasets', 'GET /health',
];

/** Routes Conductor serves beyond the contract's tables (each justified in the README). */
const extraRoutes = [
  'POST /user/logout', 'POST /auth/logout',
  'GET /user/jwks', 'GET /auth/jwks', 'GET /.well-known/jwks.json',
];

interface HttpRule {
  get?: string;
  post?: string;
  put?: string;
  delete?: string;
  patch?: string;
  additionalBindings?: HttpRule[];
}

/** Reads the HTTP bindings out of envoy/descriptor.pb (decoded by buf, which knows the google.api.http extension). */
function bindingsInDescriptor(): { route: string; method: string }[] {
  const image = JSON.parse(
    execFileSync(join(repoRoot, 'node_modules', '.bin', 'buf'), ['build', 'envoy/descriptor.pb#format=binpb', '-o', '-#format=json'], {
      cwd: repoRoot,
      maxBuffer: 64 * 1024 * 1024,
    }).toString(),
  ) as { file: { package?: string; service?: { name: string; method: { name: string; options?: Record<string, HttpRule> }[] }[] }[] };
  const found: { route: string; method: string }[] = [];
  for (const file of image.file) {
    if (!file.package?.startsWith('conductor.')) continue;
    for (const service of file.service ?? []) {
      for (const method of service.method) {
        const rule = method.options?.['[google.api.http]'];
        if (!rule) continue;
        for (const binding of [rule, ...(rule.additionalBindings ?? [])]) {
          for (const verb of ['get', 'post', 'put', 'delete', 'patch'] as const) {
            const path = binding[verb];
            if (path) found.push({ route: `${verb.toUpperCase()} ${path}`, method: `${file.package}.${service.name}/${method.name}` });
          }
        }
      }
    }
  }
  return found;
}

describe('HTTP bindings in the built descriptor set', () => {
  const bindings = bindingsInDescriptor();
  const routes = bindings.map((binding) => binding.route);

  it('contain every route of the contract', () => {
    const missing = contractRoutes.filter((route) => !routes.includes(route));
    expect(missing).toEqual([]);
  });

  it('contain nothing beyond the contract but the documented extras', () => {
    const unexpected = routes.filter((route) => !contractRoutes.includes(route) && !extraRoutes.includes(route));
    expect(unexpected).toEqual([]);
  });

  it('bind each route to exactly one method', () => {
    const duplicates = routes.filter((route, index) => routes.indexOf(route) !== index);
    expect(duplicates).toEqual([]);
  });

  it('give the /auth aliases the same methods as their /user routes', () => {
    const methodOf = (route: string) => bindings.find((binding) => binding.route === route)?.method;
    for (const route of contractRoutes.filter((candidate) => candidate.includes(' /user/'))) {
      expect(methodOf(route.replace(' /user/', ' /auth/')), route).toBe(methodOf(route));
    }
  });
});
