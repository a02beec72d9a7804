/**
 * OpenTelemetry tracing, on only when an OTLP endpoint is configured
 * (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT, the
 * standard settings; spans go out as OTLP/HTTP protobuf). Off, nothing is
 * loaded, registered or patched: the cost is zero.
 *
 * Started by `instrument.ts`, which each process loads with `node --import`
 * before anything else, so the gRPC, PostgreSQL and undici (Elasticsearch)
 * instrumentations can patch those modules as they load.
 *
 * The OpenTelemetry packages are the 1.x SDK line (API 1.9): Temporal's
 * interceptors (@temporalio/interceptors-opentelemetry 1.24) are built on it.
 */
import { register } from 'node:module';
import type { Resource } from '@opentelemetry/resources';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface ActiveTracing {
  /** Also exports the spans of workflow code (Temporal's workflow span sink). */
  spanProcessor: SpanProcessor;
  resource: Resource;
  shutdown(): Promise<void>;
}

let active: ActiveTracing | undefined;

/** Where spans go, from the standard settings; undefined when tracing is off. */
export function otlpTracesEndpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT) return `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces`;
  return undefined;
}

/** Starts tracing for this process when an endpoint is configured. */
export async function startTracing(serviceName: string): Promise<ActiveTracing | undefined> {
  const url = otlpTracesEndpoint();
  if (!url || active) return active;
  // ESM modules are patched by import-in-the-middle's loader hook; CommonJS ones by require-in-the-middle.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const [{ OTLPTraceExporter }, { registerInstrumentations }, { GrpcInstrumentation }, { PgInstrumentation }, { UndiciInstrumentation }, { Resource }, { BatchSpanProcessor }, { NodeTracerProvider }] = await Promise.all([
    import('@opentelemetry/exporter-trace-otlp-proto'),
    import('@opentelemetry/instrumentation'),
    import('@opentelemetry/instrumentation-grpc'),
    import('@opentelemetry/instrumentation-pg'),
    import('@opentelemetry/instrumentation-undici'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/sdk-trace-node'),
  ]);
  const resource = new Resource({ 'service.name': process.env.OTEL_SERVICE_NAME ?? serviceName });
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter({ url }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new GrpcInstrumentation(),
      // Statements without their values (the default): values are users' data.
      new PgInstrumentation({ enhancedDatabaseReporting: false }),
      new UndiciInstrumentation(),
    ],
  });
  active = { spanProcessor, resource, shutdown: () => provider.shutdown() };
  return active;
}

/** The running tracing, if on (the worker hands its span processor to workflow code). */
export function activeTracing(): ActiveTracing | undefined {
  return active;
}

/** Sends the spans still buffered (at a clean stop). */
export async function stopTracing(): Promise<void> {
  await active?.shutdown().catch(() => undefined);
}
