/**
 * Composition root of the gRPC server: configuration → adapters → core → rpc
 * → listen, and a graceful shutdown on SIGTERM/SIGINT.
 */
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { readBrowserLibrary } from './adapters/browser-lib/browser-library.js';
import { ghgaAccessCheck } from './adapters/access/ghga-access.client.js';
import { LibsodiumSealer } from './adapters/crypto/libsodium-sealer.js';
import { createSearchClient } from './adapters/elasticsearch/client.js';
import { ensurePackageIndex, filterableFields } from './adapters/elasticsearch/package-index.js';
import { ElasticsearchPackageRegistry } from './adapters/elasticsearch/package-registry.adapter.js';
import { ElasticsearchPackageSearch } from './adapters/elasticsearch/package-search.adapter.js';
import { loadLifecycleHooks, loadPermissionProviders } from './adapters/extensions/load-extensions.js';
import { JoseInternalCredentials, loadInternalSecret } from './adapters/keys/internal-credentials.adapter.js';
import { VerifiedTokenCache } from './adapters/keys/verified-token-cache.js';
import { JoseTokenCodec } from './adapters/keys/jose-token-codec.js';
import { loadSigningKeys } from './adapters/keys/signing-keys.adapter.js';
import { JoseInternalTokens, JoseWorkOrderSigner, loadP256Key } from './adapters/keys/work-package-keys.adapter.js';
import { createObjectStoreClient, ensureBucket } from './adapters/minio/client.js';
import { SigV4UploadSigner } from './adapters/minio/sigv4-upload-signer.js';
import { prometheusMetrics } from './adapters/metrics/prometheus.js';
import { apiDocsRoutes } from './adapters/api-docs/api-docs.routes.js';
import { createHttpListener, refusedGrpcRoute } from './adapters/oauth/http-listener.js';
import { readinessRoute } from './adapters/readiness/readiness.route.js';
import { localLoginRoutes, localProvider } from './adapters/oauth/local-login.routes.js';
import { loginUrl, oauthRoutes } from './adapters/oauth/oauth.routes.js';
import { createOrm } from './adapters/postgres/orm.js';
import { LoadedDataRepository } from './adapters/postgres/repositories/loaded-data.repository.js';
import { DatasetAliasRepository } from './adapters/postgres/repositories/dataset-alias.repository.js';
import { LoadStatusRepository } from './adapters/postgres/repositories/load-status.repository.js';
import { PermissionRepository } from './adapters/postgres/repositories/permission.repository.js';
import { RevocationRepository } from './adapters/postgres/repositories/revocation.repository.js';
import { RevocationMirror } from './adapters/postgres/revocation-mirror.js';
import { ChangeNotifications } from './adapters/postgres/change-notifications.js';
import { CachedUserStore } from './adapters/postgres/user-cache.js';
import { UserRepository } from './adapters/postgres/repositories/user.repository.js';
import { WorkPackageRepository } from './adapters/postgres/repositories/work-package.repository.js';
import { connectTemporal } from './adapters/temporal/client.js';
import { stopTracing } from './adapters/telemetry/tracing.js';
import { TemporalLoadRunner } from './adapters/temporal/load-runner.adapter.js';
import { ConfigError, loadConfig } from './config/index.js';
import { PermissionService } from './core/auth/permissions.service.js';
import { TokenService } from './core/auth/tokens.service.js';
import { UserService } from './core/auth/users.service.js';
import { DatastoreService, referencePrefixes } from './core/datastore/datastore.service.js';
import { UploadAccess } from './core/datastore/upload-access.js';
import { PackageAdminService } from './core/packages/package-admin.service.js';
import { PackageLoadService } from './core/packages/load.service.js';
import { SearchService } from './core/search/search.service.js';
import { WorkPackageService } from './core/work-packages/work-package.service.js';
import { createLogger } from './logger.js';
import { buildServer } from './rpc/server.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.server.logLevel, 'conductor');
  const extensionContext = { logger, env: process.env };

  const keys = await loadSigningKeys(config.auth);
  // Verified tokens are remembered until they expire (revocation is still checked on every call).
  const codec = new VerifiedTokenCache(new JoseTokenCodec(keys));
  const orm = await createOrm(config.database);
  const search = createSearchClient(config.search);
  const objectStore = createObjectStoreClient(config.objectStore);
  await ensureBucket(objectStore, config.objectStore);
  const temporal = await connectTemporal(config.temporal);

  // Revocations and user records in memory, kept current across server processes by LISTEN/NOTIFY.
  const notifications = new ChangeNotifications(config.database.url, logger);
  const revocations = new RevocationMirror(new RevocationRepository(orm), notifications);
  const userStore = new CachedUserStore(new UserRepository(orm), notifications);
  await notifications.start();
  const tokens = new TokenService(codec, revocations, config.auth.lifetimes);
  const users = new UserService(userStore, await loadLifecycleHooks(config.auth.extensions, extensionContext));
  const permissions = new PermissionService(new PermissionRepository(orm), await loadPermissionProviders(config.auth.permissionProviders, extensionContext));

  const datastore = new DatastoreService(
    new SigV4UploadSigner(config.objectStore),
    config.datastore,
    config.datastore.publicPrefixes
      ? (userid) => (config.datastore.publicPrefixes ?? []).map((prefix) => prefix.replaceAll('{userid}', userid))
      : referencePrefixes(config.objectStore.publicEndpoint, config.objectStore.bucket),
  );

  await ensurePackageIndex(search, config.search.indexPrefix);
  const packageSearch = new SearchService(new ElasticsearchPackageSearch(search, config.search.indexPrefix), { ...config.search, filterableFields });

  const internalKey = await loadP256Key(config.workPackage.internalKey, 'WORK_PACKAGE_INTERNAL_KEY');
  const signingKey = await loadP256Key(config.workPackage.signingKey, 'WORK_PACKAGE_SIGNING_KEY');
  const internalTokens = new JoseInternalTokens(internalKey, JoseInternalTokens.parseKeys(config.workPackage.authKeys));
  const workPackages = new WorkPackageService(
    new WorkPackageRepository(orm),
    new LibsodiumSealer(),
    signingKey ? new JoseWorkOrderSigner(signingKey) : undefined,
    config.workPackage,
    config.workPackage.accessUrl ? ghgaAccessCheck(config.workPackage.accessUrl) : undefined,
  );
  // A Conductor user asking /user/authorize for the work-package service gets an internal access token.
  const serviceTokens = internalKey
    ? { [config.workPackage.service]: (user: { idhash: string; name: string; email: string }) => internalTokens.issue({ id: user.idhash, name: user.name, email: user.email }) }
    : {};

  const packageLoads = new PackageLoadService(new TemporalLoadRunner(temporal.client, config.temporal), new LoadStatusRepository(orm), {
    datastoreBase: `${config.objectStore.publicEndpoint}/${config.objectStore.bucket}`,
    allowedHosts: config.packages.allowedHosts,
    retryWindowSeconds: config.packages.retryWindowSeconds,
  });
  const packageAdmin = new PackageAdminService(new ElasticsearchPackageRegistry(search, config.search.indexPrefix), new LoadedDataRepository(orm), new DatasetAliasRepository(orm));

  const metrics = prometheusMetrics();
  const backendProbes = {
    postgresql: () => orm.em.getConnection().execute('select 1'),
    elasticsearch: () => search.cluster.health({ timeout: '1s' }),
    'object-store': () => objectStore.bucketExists(config.objectStore.bucket),
    temporal: () => temporal.client.workflowService.getSystemInfo({}),
  };
  const grpc = buildServer({
    logger,
    observer: metrics.observer,
    backendProbes,
    descriptorSet: await readFile(config.server.descriptorFile),
    healthDescriptorSet: await readFile(join(dirname(config.server.descriptorFile), 'health.pb')),
    auth: {
      keys,
      tokens,
      users,
      permissions,
      providers: [...config.auth.providers.map((provider) => provider.name), ...(config.auth.localLogin ? [localProvider] : [])],
      loginUrl: (provider, next) => loginUrl(config.server.publicUrl, provider, next),
      browserLibrary: await readBrowserLibrary(),
      serviceTokens,
    },
    callers: { tokens, workPackageTokens: internalTokens, internalCredentials: new JoseInternalCredentials(await loadInternalSecret(config.server.internalSecret)) },
    datastore: { datastore },
    search: { search: packageSearch },
    workPackages: { workPackages },
    packages: { uploads: new UploadAccess(permissions), packages: packageAdmin, loads: packageLoads },
  });
  const grpcPort = await grpc.listen(config.server.grpcHost, config.server.grpcPort);

  const oauthDeps = { config: config.auth, publicUrl: config.server.publicUrl, keys, codec, tokens, users, logger };
  // The local login's routes come first: /oauth/login/local is not a grant provider.
  const ready = readinessRoute(backendProbes);
  const http = createHttpListener(logger, [...(config.auth.localLogin ? localLoginRoutes(oauthDeps) : []), ...oauthRoutes(oauthDeps), refusedGrpcRoute, ready, metrics.route, ...(await apiDocsRoutes(config.server.openapiFile))]);
  http.listen(config.server.httpPort, config.server.grpcHost);
  await once(http, 'listening');

  logger.info({ grpc: `${config.server.grpcHost}:${grpcPort}`, http: config.server.httpPort, key: keys.keyId }, 'conductor listening');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, drainMs: config.server.shutdownDrainMs }, 'shutting down: NOT_SERVING, draining');
    await grpc.shutdown(config.server.shutdownGraceMs, config.server.shutdownDrainMs);
    http.close();
    await Promise.allSettled([notifications.stop(), orm.close(), search.close(), temporal.close(), stopTracing()]);
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
