/** What operators watch: request ids on every answer, readiness per backend, Prometheus metrics of every RPC. */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createSearchClient } from '../../src/adapters/elasticsearch/client.ts';
import { createHttpListener } from '../../src/adapters/oauth/http-listener.ts';
import { readinessRoute } from '../../src/adapters/readiness/readiness.route.ts';
import { createLogger } from '../../src/logger.ts';
import { logIn, uniqueUser } from '../support/login.ts';
import { follow, startLoad, uploadPackage } from '../support/packages.ts';
import { testStack } from '../setup/test-stack.ts';
import { gateway } from './http.ts';

describe('observability', () => {
  it('answers every request with its x-request-id, JSON routes, errors and Envoy replies alike', async () => {
    for (const path of ['/health', '/user/check', '/no/such/route', '/package/status']) {
      const reply = await gateway(path);
      expect(reply.headers.get('x-request-id'), path).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('says ready through the gateway while every backend answers', async () => {
    const reply = await gateway('/ready');
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ status: 'ready', backends: { postgresql: 'up', elasticsearch: 'up', 'object-store': 'up', temporal: 'up' } });
  });

  it('names the backend that does not answer, with 503 and no address or error text', async () => {
    const closed = await new Promise<number>((done) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => done(port));
      });
    });
    const search = createSearchClient({ url: `http://127.0.0.1:${closed}` } as Parameters<typeof createSearchClient>[0]);
    const listener = createHttpListener(createLogger('silent', 'test'), [readinessRoute({ elasticsearch: () => search.cluster.health({}), postgresql: async () => true })]);
    listener.listen(0, '127.0.0.1');
    await once(listener, 'listening');
    const response = await fetch(`http://127.0.0.1:${(listener.address() as { port: number }).port}/ready`);
    expect(response.status).toBe(503);
    const body = await response.text();
    expect(JSON.parse(body)).toEqual({ status: 'not ready', backends: { elasticsearch: 'down', postgresql: 'up' } });
    expect(body).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
    listener.close();
    await search.close();
  });

  it('counts and times every RPC by method and code on the server’s /metrics, which the gateway does not route', async () => {
    for (let i = 0; i < 3; i++) await gateway('/health');
    await gateway('/user/logout', { method: 'POST' });
    // Each server process has its own /metrics (a Prometheus target each); the gateway spreads calls over them.
    const scrapes = await Promise.all(testStack().serverHttpPorts.map(async (port) => (await fetch(`http://127.0.0.1:${port}/metrics`)).text()));
    const scrape = scrapes.join('\n');
    const count = (method: string, code: string) =>
      scrapes.reduce((sum, text) => sum + Number(new RegExp(`^conductor_rpc_total\\{method="${method.replaceAll('.', '\\.')}",code="${code}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0), 0);
    expect(count('/conductor.workpackage.v1.WorkPackageService/GetHealth', 'OK')).toBeGreaterThanOrEqual(3);
    expect(count('/conductor.auth.v1.AuthService/Logout', 'UNAUTHENTICATED')).toBeGreaterThanOrEqual(1);
    expect(scrape).toMatch(/^conductor_rpc_duration_seconds_bucket\{le="0\.005",method="\/conductor\.workpackage\.v1\.WorkPackageService\/GetHealth",code="OK"\} \d+/m);
    expect(scrape).toMatch(/^conductor_process_resident_memory_bytes \d+/m);
    expect((await gateway('/metrics')).status).toBe(404);
  });

  it('spreads calls over every server process (one per core by default)', async () => {
    const ports = testStack().serverHttpPorts;
    expect(ports.length).toBe(availableParallelism());
    const healthCalls = async (port: number) =>
      Number(/^conductor_rpc_total\{method="\/conductor\.workpackage\.v1\.WorkPackageService\/GetHealth",code="OK"\} (\d+)/m.exec(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text())?.[1] ?? 0);
    const before = await Promise.all(ports.map(healthCalls));
    for (let i = 0; i < 10 * ports.length; i++) expect((await gateway('/health')).status).toBe(200);
    const after = await Promise.all(ports.map(healthCalls));
    for (const [index, count] of after.entries()) expect(count - (before[index] ?? 0), `server process ${index + 1}`).toBeGreaterThan(0);
  });

  it("serves the worker's Temporal SDK metrics with rows loaded and loads by outcome", async () => {
    const user = uniqueUser();
    const token = await logIn('google', user);
    const owner = createHash('md5').update(user.email).digest('hex');
    const folder = join(import.meta.dirname, '..', 'fixtures', 'fdp', 'al-treasury-spending');
    const url = await uploadPackage(token, owner, `metrics-${randomBytes(2).toString('hex')}`, {
      'datapackage.json': readFileSync(join(folder, 'datapackage.json')),
      'data/treasury.csv': readFileSync(join(folder, 'data', 'treasury.csv')),
    });
    await startLoad(token, url);
    expect((await follow(url)).last.status).toBe('done');
    const scrape = async () => (await fetch(`http://${testStack().conductorEnv.TEMPORAL_WORKER_METRICS_ADDRESS}/metrics`)).text();
    // The exporter publishes on its own schedule: wait for the load to show.
    await expect.poll(async () => /^conductor_loads_total\{[^}]*outcome="done"[^}]*\} [1-9]/m.test(await scrape()), { timeout: 20_000 }).toBe(true);
    const text = await scrape();
    expect(Number(/^conductor_rows_loaded_total\{[^}]*\} (\d+)/m.exec(text)?.[1] ?? 0)).toBeGreaterThanOrEqual(40);
    expect(text).toMatch(/^temporal_\w+/m);
  });
});
