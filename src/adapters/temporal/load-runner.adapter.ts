import { WorkflowNotFoundError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { loadPackageWorkflowName, loadStatusQueryName, type LoadInput, type LoadStatus } from '../../../workflows/shared.js';
import type { TemporalConfig } from '../../config/temporal.config.js';
import type { LoadRunner } from '../../ports/load-runner.js';

/** Package loads as Temporal workflows; the workflow id is the load id, so uploads of the same URL join. */
export class TemporalLoadRunner implements LoadRunner {
  constructor(
    private readonly client: Client,
    private readonly config: TemporalConfig,
  ) {}

  async start(loadId: string, input: LoadInput): Promise<LoadStatus> {
    await this.client.workflow.start(loadPackageWorkflowName, {
      taskQueue: this.config.taskQueue,
      workflowId: loadId,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    // A new run is queued; a running one (same URL) answers where it is.
    const status = await this.status(loadId);
    return status ? { status: status.status, progress: status.progress, ...(status.error ? { error: status.error } : {}) } : { status: 'queued', progress: 0 };
  }

  async status(loadId: string): Promise<(LoadStatus & { datasetId?: string; workflowUrl?: string }) | null> {
    const handle = this.client.workflow.getHandle(loadId);
    let description;
    try {
      description = await handle.describe();
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return null;
      throw error;
    }
    const datasetId = (description.searchAttributes.ConductorDatasetId as string[] | undefined)?.[0];
    const workflowUrl = this.config.uiUrl ? `${this.config.uiUrl}/namespaces/${this.config.namespace}/workflows/${encodeURIComponent(loadId)}/${description.runId}` : undefined;
    // A run not yet picked up by a worker has no state to query: it is queued.
    const status = description.historyLength > 2 ? await handle.query<LoadStatus>(loadStatusQueryName) : { status: 'queued' as const, progress: 0 };
    return { ...status, progress: status.progress + rowsInFlight(description), datasetId, workflowUrl };
  }
}

/**
 * Rows committed by the resource being loaded now, from its last heartbeat:
 * the workflow itself only learns a resource's rows when it is done.
 */
function rowsInFlight(description: WorkflowExecutionDescription): number {
  let rows = 0;
  for (const activity of description.raw.pendingActivities ?? []) {
    const [payload] = activity.heartbeatDetails?.payloads ?? [];
    if (activity.activityType?.name !== 'loadResource' || !payload) continue;
    const details = defaultPayloadConverter.fromPayload<{ rows?: unknown }>(payload);
    if (typeof details?.rows === 'number') rows += details.rows;
  }
  return rows;
}
