/**
 * The errors the real drivers raise when their server cannot be reached are
 * recognised as "backend unavailable" (gRPC UNAVAILABLE, HTTP 503), and
 * errors of a working backend or of a bug are not. Each driver is pointed at
 * a port where nothing listens.
 */
import { createServer } from 'node:net';
import { status } from '@grpc/grpc-js';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createSearchClient } from '../../src/adapters/elasticsearch/client.ts';
import { createObjectStoreClient } from '../../src/adapters/minio/client.ts';
import { createOrm } from '../../src/adapters/postgres/orm.ts';
import { UserEntity } from '../../src/adapters/postgres/entities/user.entity.ts';
import { CoreError } from '../../src/core/errors.ts';
import { isBackendUnavailable } from '../../src/rpc/backend-unavailable.ts';
import { toServiceError } from '../../src/rpc/status.mapper.ts';
import { testStack } from '../setup/test-stack.ts';

/** A port that was free a moment ago: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

const caught = async (work: () => Promise<unknown>) => work().then(() => undefined, (error: unknown) => error);

describe('backend unavailable', () => {
  it('PostgreSQL through MikroORM, refused', async () => {
    const orm = await createOrm({ url: `postgres://conductor:x@127.0.0.1:${await closedPort()}/conductor`, poolMax: 1 });
    const error = await caught(() => orm.em.fork().find(UserEntity, {}));
    await orm.close();
    expect(isBackendUnavailable(error)).toBe(true);
    expect(toServiceError(error)).toMatchObject({ code: status.UNAVAILABLE, details: 'A backend is unavailable; try again shortly', unexpected: false });
  });

  it('Elasticsearch, MinIO and Temporal, refused', async () => {
    const es = createSearchClient({ url: `http://127.0.0.1:${await closedPort()}` } as Parameters<typeof createSearchClient>[0]);
    expect(isBackendUnavailable(await caught(() => es.search({ index: 'x' })))).toBe(true);
    await es.close();
    const minio = createObjectStoreClient({ ...({} as Parameters<typeof createObjectStoreClient>[0]), endpoint: `http://127.0.0.1:${await closedPort()}`, accessKey: 'a', secretKey: 'b', region: 'us-east-1' });
    expect(isBackendUnavailable(await caught(() => minio.statObject('bucket', 'key')))).toBe(true);
    // Temporal's client connects lazily, as it does for each call of a running server.
    const connection = Connection.lazy({ address: `127.0.0.1:${await closedPort()}`, connectTimeout: 2000 });
    const temporal = new Client({ connection });
    expect(isBackendUnavailable(await caught(() => temporal.workflow.getHandle('load-x').describe()))).toBe(true);
    await connection.close();
  });

  it('not for a working backend’s refusal or a bug', async () => {
    const client = new pg.Client({ connectionString: testStack().databaseUrl });
    await client.connect();
    const syntax = await caught(() => client.query('selec 1'));
    await client.end();
    expect(isBackendUnavailable(syntax)).toBe(false);
    expect(toServiceError(syntax)).toMatchObject({ code: status.INTERNAL, unexpected: true });
    expect(isBackendUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isBackendUnavailable(new CoreError('invalid-argument', 'connection terminated by you'))).toBe(false);
  });
});
