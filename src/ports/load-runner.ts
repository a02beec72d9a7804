import type { LoadInput, LoadStatus } from '../../workflows/shared.js';

export type { LoadInput, LoadStatus };

/** Runs package loads (Temporal): one per descriptor URL; a second start joins the running one. */
export interface LoadRunner {
  /** Starts the load, or joins the one running for the same URL; answers its current status. */
  start(loadId: string, input: LoadInput): Promise<LoadStatus>;
  /** The load's status, or null when no load is known for that id. */
  status(loadId: string): Promise<(LoadStatus & { datasetId?: string; workflowUrl?: string }) | null>;
}
