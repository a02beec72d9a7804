import type { LoadInput, LoadStatus } from '../core/packages/load.types.js';

export type { LoadInput, LoadStatus };

/** Starting a load found another one running under the same workflow id (a race with another upload). */
export class LoadAlreadyRunningError extends Error {
  constructor(workflowId: string) {
    super(`${workflowId} is already running`);
    this.name = 'LoadAlreadyRunningError';
  }
}

/** Runs package loads (Temporal): one workflow per dataset, so two loads of one dataset never run at once. */
export interface LoadRunner {
  /** The descriptor URL the dataset's running load reads, or null when none runs. */
  running(workflowId: string): Promise<string | null>;
  /** Starts a load; throws LoadAlreadyRunningError when one already runs under that id. */
  start(workflowId: string, input: LoadInput): Promise<void>;
  /** Where operators watch a run in the Temporal UI, when it is configured. */
  workflowUrl(workflowId: string, runId: string | null): string | undefined;
}
