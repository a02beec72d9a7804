/**
 * Composition root of the Temporal worker: configuration → adapters →
 * activities → worker. Stops cleanly on SIGTERM/SIGINT (Temporal's runtime
 * handles the signals and drains running activities).
 */
// First: V8 settings that must be in place before anything allocates.
import './v8-tuning.js';
import { createRequire } from 'node:module';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, type LogLevel } from '@temporalio/worker';
import { createSearchClient } from '../src/adapters/elasticsearch/client.js';
import { ElasticsearchPackageRegistry } from '../src/adapters/elasticsearch/package-registry.adapter.js';
import { createObjectStoreClient } from '../src/adapters/minio/client.js';
import { ObjectStoreAndWebPackageFiles } from '../src/adapters/package-files/package-files.adapter.js';
import { createOrm } from '../src/adapters/postgres/orm.js';
import { LoadStatusRepository } from '../src/adapters/postgres/repositories/load-status.repository.js';
import { PostgresTableLoader } from '../src/adapters/postgres/table-loader.adapter.js';
import { ConfigError, loadConfig } from '../src/config/index.js';
import { createLogger } from '../src/logger.js';
import { activeTracing, stopTracing } from '../src/adapters/telemetry/tracing.js';
import { createActivities } from './activities/index.js';
import { createLoadActivities } from './activities/package-load.activities.js';
import { loadProgressSignalName } from './shared.js';

/** The SDK's level for Conductor's LOG_LEVEL (pino's names). */
function sdkLogLevel(level: string): LogLevel {
  const levels: Record<string, LogLevel> = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR', fatal: 'ERROR' };
  return levels[level] ?? 'INFO';
}

async function main(): Promise<void> {
  const config = loadConfig(['server', 'database', 'objectStore', 'search', 'temporal', 'packages']);
  const logger = createLogger(config.server.logLevel, 'conductor-worker');
  const orm = await createOrm(config.database);
  const search = createSearchClient(config.search);
  const objectStore = createObjectStoreClient(config.objectStore);

  // The Temporal SDK's own Prometheus exporter: its worker metrics and the load metrics the activities and workflows record.
  // The SDK's own log lines (activity failures, workflow task errors) go through Conductor's logger, which redacts credentials.
  const sdkLogger = new DefaultLogger(sdkLogLevel(config.server.logLevel), ({ level, message, meta }) => {
    const fields = { ...meta, sdk: 'temporal' };
    if (level === 'ERROR') logger.error(fields, message);
    else if (level === 'WARN') logger.warn(fields, message);
    else if (level === 'INFO') logger.info(fields, message);
    else logger.debug(fields, message);
  });
  Runtime.install({
    logger: sdkLogger,
    ...(config.temporal.workerMetricsAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress: config.temporal.workerMetricsAddress, countersTotalSuffix: true } } } } : {}),
  });
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  // A client too: load activities signal their workflow at each checkpoint (the rows count in the Temporal UI).
  const clientConnection = await Connection.connect({ address: config.temporal.address });
  const client = new Client({ connection: clientConnection, namespace: config.temporal.namespace });
  // With tracing on: a span for the workflow and each activity, children of the call that started the load.
  const tracing = activeTracing();
  const otel = tracing ? await import('@temporalio/interceptors-opentelemetry') : undefined;
  const worker = await Worker.create({
    ...(tracing && otel
      ? {
          interceptors: {
            activity: [(ctx) => ({ inbound: new otel.OpenTelemetryActivityInboundInterceptor(ctx), outbound: new otel.OpenTelemetryActivityOutboundInterceptor(ctx) })],
            workflowModules: [createRequire(import.meta.url).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')],
          },
          sinks: { exporter: otel.makeWorkflowExporter(tracing.spanProcessor, tracing.resource) },
        }
      : {}),
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowsPath: new URL('./workflows/index.js', import.meta.url).pathname,
    // On SIGTERM running activities get this long to finish (a load resumes
    // from its checkpoint elsewhere), then the worker stops regardless.
    shutdownGraceTime: '10 seconds',
    shutdownForceTime: '20 seconds',
    activities: {
      ...createActivities({ orm, search, objectStore, bucket: config.objectStore.bucket }),
      ...createLoadActivities({
        files: new ObjectStoreAndWebPackageFiles(objectStore, config.objectStore.bucket),
        tables: new PostgresTableLoader(orm, config.packages.checkpointRows, undefined, config.packages.copyStreams),
        registry: new ElasticsearchPackageRegistry(search, config.search.indexPrefix),
        statuses: new LoadStatusRepository(orm),
        reportProgress: (workflow, rows) => client.workflow.getHandle(workflow.workflowId, workflow.runId).signal(loadProgressSignalName, rows),
        policy: { datastoreBase: `${config.objectStore.publicEndpoint}/${config.objectStore.bucket}`, allowedHosts: config.packages.allowedHosts },
        maxDescriptorBytes: config.packages.maxDescriptorBytes,
        maxResourceBytes: config.packages.maxResourceBytes,
      }),
    },
  });
  logger.info({ taskQueue: config.temporal.taskQueue, namespace: config.temporal.namespace }, 'worker running');
  await worker.run();
  await Promise.allSettled([orm.close(), search.close(), connection.close(), clientConnection.close(), stopTracing()]);
  logger.info('worker stopped');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
});
