import type { LoadStatusName } from '../core/packages/load.types.js';

/** One status a load went through. */
export interface LoadStep {
  status: LoadStatusName;
  /** When it began (ISO 8601). */
  at: string;
  /** Records loaded by then. */
  rows: number;
}

/** A load as `/package/status` shows it. */
export interface StoredLoadStatus {
  descriptorUrl: string;
  datasetId: string;
  workflowId: string;
  runId: string | null;
  status: LoadStatusName;
  /** Records loaded so far, including those committed by the resource being loaded now. */
  progress: number;
  error: string | null;
  steps: LoadStep[];
}

/** Which load a record is of. */
export interface LoadIdentity {
  descriptorUrl: string;
  datasetId: string;
  owner: string;
  workflowId: string;
}

/** What a workflow step reports. */
export interface LoadStatusUpdate {
  status: LoadStatusName;
  /** Records of the resources already loaded. */
  progress: number;
  /** While `loading-data`: the resource being loaded (its committed rows count too). */
  resource?: number;
  /** Steps the load passed through on its way to `status`, with nothing to do in between: recorded in the same write. */
  passing?: LoadStatusName[];
  error?: string;
  runId: string;
}

/**
 * The durable record of each descriptor URL's last load (PostgreSQL): written
 * when the load is queued and when each step begins, read by `/package/status`.
 */
export interface LoadStatusStore {
  /** A new load of the URL is queued: its record starts over. */
  queue(load: LoadIdentity): Promise<void>;
  /** A step begins (appended to the steps; the record is created if the queueing one is missing). */
  record(load: LoadIdentity, update: LoadStatusUpdate): Promise<void>;
  find(descriptorUrl: string): Promise<StoredLoadStatus | null>;
}
