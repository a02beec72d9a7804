/**
 * The OpenAPI document (docs/openapi.json, generated from the protos) and its
 * docs page, as a web developer meets them: through the gateway.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/stack/paths.ts';
import { launchChromium } from '../support/chromium.ts';
import { contractMethods } from '../support/descriptor.ts';
import { testStack } from '../setup/test-stack.ts';
import { gateway } from './http.ts';

interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
}

/** One operation of the document; fails the test when it is missing. */
function operation(document: OpenApi, path: string, verb: string): { operationId: string; responses: Record<string, unknown> } {
  const found = document.paths[path]?.[verb];
  if (!found) throw new Error(`${verb} ${path} is not in the document`);
  return found;
}

describe('the OpenAPI document', () => {
  it('is served at /openapi.json through the gateway, as committed', async () => {
    const reply = await gateway('/openapi.json');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/json');
    expect(reply.text).toBe(readFileSync(join(repoRoot, 'docs', 'openapi.json'), 'utf8'));
    expect((reply.json as OpenApi).openapi).toMatch(/^3\.1\./);
  });

  it('describes every HTTP binding of the built contract, with its method', async () => {
    const document = (await gateway('/openapi.json')).json as OpenApi;
    const bindings = contractMethods().flatMap((method) => method.bindings);
    expect(bindings.length).toBeGreaterThan(20);
    const missing = bindings.filter((binding) => !document.paths[binding.path]?.[binding.verb.toLowerCase()]);
    expect(missing).toEqual([]);
    // And what is not a binding: the datastore alias and the HTTP listener's routes.
    for (const [path, verb] of [['/datastore/', 'post'], ['/oauth/login/{provider}', 'get'], ['/ready', 'get'], ['/openapi.json', 'get'], ['/docs', 'get']] as const) {
      expect(operation(document, path, verb).operationId).toBeTruthy();
    }
  });

  it('says what generation cannot see: the statuses the gateway sets and the bodies that are not messages', async () => {
    const document = (await gateway('/openapi.json')).json as OpenApi;
    expect(Object.keys(operation(document, '/work-packages', 'post').responses).sort()).toEqual(['201', '422', 'default']);
    expect(operation(document, '/work-packages/{id}/files/{file_id}/work-order-tokens', 'post').responses['201']).toMatchObject({ content: { 'application/json': { schema: { type: 'string' } } } });
    expect(operation(document, '/user/public-key', 'get').responses['200']).toMatchObject({ content: { 'application/x-pem-file': {} } });
    expect(operation(document, '/search/{kind}', 'get').responses['200']).toMatchObject({ content: { 'application/json': { schema: { type: 'array' } } } });
    expect(JSON.stringify(document)).not.toMatch(/apiHttpBody|rpcStatus/);
  });

  it('says what the routes are today: /user/lib is a classic script, dataset ids are `<owner>:<name>` with `-`', async () => {
    const document = (await gateway('/openapi.json')).json as OpenApi;
    const lib = JSON.stringify(operation(document, '/user/lib', 'get'));
    expect(lib).toContain('classic script');
    expect(lib).not.toMatch(/ES module/i);
    expect(JSON.stringify(document)).not.toContain('<owner>:<slug>');
  });
});

describe('methods a path does not have', () => {
  it('are answered 405 with the Allow header, for every path of the document', async () => {
    const document = (await gateway('/openapi.json')).json as OpenApi;
    const wrong: string[] = [];
    for (const [template, item] of Object.entries(document.paths)) {
      const path = template.replace(/\{[^}]+\}/g, 'x');
      const allowed = Object.keys(item).map((verb) => verb.toUpperCase());
      for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'].filter((candidate) => !allowed.includes(candidate))) {
        const reply = await gateway(path, { method });
        const ok = reply.status === 405 && reply.headers.get('allow') === allowed.join(', ') && (reply.json as { code?: number }).code === 12;
        if (!ok) wrong.push(`${method} ${path} → ${reply.status} ${reply.headers.get('allow')}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('the docs page', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => browser?.close());

  it('renders every operation of the document in Chromium, with nothing blocked', async () => {
    const document = (await gateway('/openapi.json')).json as OpenApi;
    const operations = Object.values(document.paths).reduce((count, item) => count + Object.keys(item).length, 0);
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${testStack().gateway}/docs`);
    await page.waitForSelector('.opblock');
    expect(await page.locator('.opblock').count()).toBe(operations);
    expect(await page.locator('.info .title').textContent()).toContain('Conductor');
    expect(await page.locator('.opblock-summary-path[data-path="/work-packages/{id}"]').count()).toBe(1);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
