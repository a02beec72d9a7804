/**
 * gRPC health per service follows its backends: PostgreSQL reached through a
 * TCP proxy whose link is cut and restored; the services that need it go
 * NOT_SERVING and come back, the others stay SERVING.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { credentials, loadPackageDefinition, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/stack/paths.ts';
import { createSearchClient } from '../../src/adapters/elasticsearch/client.ts';
import { loadSigningKeys } from '../../src/adapters/keys/signing-keys.adapter.ts';
import { createOrm } from '../../src/adapters/postgres/orm.ts';
import { createLogger } from '../../src/logger.ts';
import { buildServer } from '../../src/rpc/server.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';
import { testStack } from '../setup/test-stack.ts';

type Check = (request: { service: string }, callback: (error: ServiceError | null, response: { status: string }) => void) => void;

describe('gRPC health per service', () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('is NOT_SERVING while the service’s backend is unreachable, and SERVING again once it answers', async () => {
    const database = new URL(testStack().databaseUrl);
    const proxy = await startTcpProxy({ host: database.hostname, port: Number(database.port) });
    cleanups.push(() => proxy.close());
    database.port = String(proxy.port);
    const orm = await createOrm({ url: database.toString(), poolMax: 2 });
    cleanups.push(() => orm.close());
    const search = createSearchClient({ url: testStack().elasticsearchUrl } as Parameters<typeof createSearchClient>[0]);
    cleanups.push(() => search.close());

    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const keys = await loadSigningKeys({ signingKey: pem, signingKeyFile: undefined });
    const unused = undefined as never;
    const server = buildServer({
      logger: createLogger('silent', 'test'),
      descriptorSet: readFileSync(join(repoRoot, 'envoy', 'descriptor.pb')),
      callers: { tokens: unused, workPackageTokens: unused, internalCredentials: unused },
      auth: { keys, tokens: unused, users: unused, permissions: unused, providers: [], loginUrl: () => '', browserLibrary: Buffer.from(''), serviceTokens: {} },
      datastore: { datastore: unused },
      search: { search: unused },
      workPackages: { workPackages: unused },
      packages: { uploads: unused, packages: unused, loads: unused },
      backendProbes: { postgresql: () => orm.em.getConnection().execute('select 1'), elasticsearch: () => search.cluster.health({}) },
      backendCheckEveryMs: 200,
    });
    const port = await server.listen('127.0.0.1', 0);
    cleanups.push(() => server.shutdown(1000));

    const { grpc } = loadPackageDefinition(loadSync(healthProtoPath, { enums: String })) as unknown as { grpc: { health: { v1: { Health: new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => Client & { check: Check } } } } };
    const client = new grpc.health.v1.Health(`127.0.0.1:${port}`, credentials.createInsecure());
    cleanups.push(() => client.close());
    const statusOf = (service: string) => new Promise<string>((done, fail) => client.check({ service }, (error, response) => (error ? fail(error) : done(response.status))));
    const statuses = async () => ({
      auth: await statusOf('conductor.auth.v1.AuthService'),
      search: await statusOf('conductor.search.v1.SearchService'),
      workPackages: await statusOf('conductor.workpackage.v1.WorkPackageService'),
      server: await statusOf(''),
    });

    await expect.poll(statuses, { timeout: 10_000 }).toEqual({ auth: 'SERVING', search: 'SERVING', workPackages: 'SERVING', server: 'SERVING' });
    await proxy.cut();
    await expect.poll(statuses, { timeout: 15_000 }).toEqual({ auth: 'NOT_SERVING', search: 'SERVING', workPackages: 'NOT_SERVING', server: 'SERVING' });
    await proxy.restore();
    await expect.poll(statuses, { timeout: 15_000 }).toEqual({ auth: 'SERVING', search: 'SERVING', workPackages: 'SERVING', server: 'SERVING' });
  });
});
