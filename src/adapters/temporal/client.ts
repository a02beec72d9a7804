import { Client, Connection } from '@temporalio/client';
import type { TemporalConfig } from '../../config/temporal.config.js';

export interface TemporalHandle {
  client: Client;
  close(): Promise<void>;
}

/** Connects a Temporal client (starting and querying loads). */
export async function connectTemporal(config: TemporalConfig): Promise<TemporalHandle> {
  const connection = await Connection.connect({ address: config.address });
  const client = new Client({ connection, namespace: config.namespace });
  return { client, close: () => connection.close() };
}
