/**
 * Every route of the contract must be an HTTP binding of the built descriptor
 * set (what Envoy actually transcodes), so none can go missing unnoticed.
 */
import { describe, expect, it } from 'vitest';
import { accessPolicy } from '../../src/rpc/access-policy.ts';
import { contractMethods } from '../support/descriptor.ts';

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

/** Routes Conductor serves beyond the contract's tables (each justified in docs/). */
const extraRoutes = [
  'POST /user/logout', 'POST /auth/logout',
  'GET /user/jwks', 'GET /auth/jwks', 'GET /.well-known/jwks.json',
];

/** Every HTTP binding of the built descriptor set, with its method. */
function bindingsInDescriptor(): { route: string; method: string }[] {
  return contractMethods().flatMap((method) => method.bindings.map((binding) => ({ route: binding.route, method: method.path.slice(1) })));
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

describe('the access policy (src/rpc/access-policy.ts)', () => {
  it('names every method of the contract, and nothing else', () => {
    const methods = contractMethods().map((method) => method.path).sort();
    expect(Object.keys(accessPolicy).sort()).toEqual(methods);
  });

  it('keeps internal methods off HTTP: no method reachable through the gateway is internal', () => {
    const exposedInternal = contractMethods().filter((method) => method.bindings.length > 0 && accessPolicy[method.path] === 'internal');
    expect(exposedInternal.map((method) => method.path)).toEqual([]);
  });
});
