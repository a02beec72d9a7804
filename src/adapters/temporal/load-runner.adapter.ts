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
    const { resource, ...answer } = status;
    const inFlight = status.status === 'loading-data' && resource !== undefined ? rowsInFlight(description, resource) : 0;
    return { ...answer, progress: status.progress + inFlight, datasetId, workflowUrl };
  }
}

/**
 * Rows committed by the resource being loaded now, from its last heartbeat:
 * the workflow itself only learns a resource's rows when it is done. Only a
 * heartbeat of the resource the workflow says it is loading counts (the
 * description and the query are two calls: a finished resource's last
 * heartbeat must not be added to rows the workflow already counted).
 */
function rowsInFlight(description: WorkflowExecutionDescription, resource: number): number {
  for (const activity of description.raw.pendingActivities ?? []) {
    const [payload] = activity.heartbeatDetails?.payloads ?? [];
    if (activity.activityType?.name !== 'loadResource' || !payload) continue;
    const details = defaultPayloadConverter.fromPayload<{ resource?: unknown; rows?: unknown }>(payload);
    if (details?.resource === resource && typeof details.rows === 'number') return details.rows;
  }
  return 0;
}
