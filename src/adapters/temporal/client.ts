import { Client, Connection } from '@temporalio/client';
import type { TemporalConfig } from '../../config/temporal.config.js';
import { activeTracing } from '../telemetry/tracing.js';

export interface TemporalHandle {
  client: Client;
  close(): Promise<void>;
}

/**
 * Connects a Temporal client (starting and querying loads). With tracing on,
 * a load's workflow carries the trace of the call that started it.
 */
export async function connectTemporal(config: TemporalConfig): Promise<TemporalHandle> {
  const connection = await Connection.connect({ address: config.address });
  const interceptors = activeTracing() ? { workflow: [new (await import('@temporalio/interceptors-opentelemetry')).OpenTelemetryWorkflowClientInterceptor()] } : undefined;
  const client = new Client({ connection, namespace: config.namespace, interceptors });
  return { client, close: () => connection.close() };
}
