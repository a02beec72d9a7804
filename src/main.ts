/**
 * Composition root of the gRPC server: configuration → adapters → core → rpc
 * → listen, and a graceful shutdown on SIGTERM/SIGINT.
 */
import { readFile } from 'node:fs/promises';
import { once } from 'node:events';
import { createHttpListener } from './adapters/oauth/http-listener.js';
import { createSearchClient } from './adapters/elasticsearch/client.js';
import { loadSigningKeys } from './adapters/keys/signing-keys.adapter.js';
import { createObjectStoreClient, ensureBucket } from './adapters/minio/client.js';
import { createOrm } from './adapters/postgres/orm.js';
import { connectTemporal } from './adapters/temporal/client.js';
import { ConfigError, loadConfig } from './config/index.js';
import { createLogger } from './logger.js';
import { buildServer } from './rpc/server.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.server.logLevel, 'conductor');

  const keys = await loadSigningKeys(config.auth);
  const orm = await createOrm(config.database);
  const search = createSearchClient(config.search);
  const objectStore = createObjectStoreClient(config.objectStore);
  await ensureBucket(objectStore, config.objectStore);
  const temporal = await connectTemporal(config.temporal);

  const descriptorSet = await readFile(config.server.descriptorFile);
  const grpc = buildServer({ logger, keys, descriptorSet });
  const grpcPort = await grpc.listen(config.server.grpcHost, config.server.grpcPort);

  const http = createHttpListener(logger, {});
  http.listen(config.server.httpPort, config.server.grpcHost);
  await once(http, 'listening');

  logger.info({ grpc: `${config.server.grpcHost}:${grpcPort}`, http: config.server.httpPort, key: keys.keyId }, 'conductor listening');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    http.close();
    await grpc.shutdown(config.server.shutdownGraceMs);
    await Promise.allSettled([orm.close(), search.close(), temporal.close()]);
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
});
