import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { loadPackageWorkflowName, type LoadInput } from '../../../workflows/shared.js';
import type { TemporalConfig } from '../../config/temporal.config.js';
import { LoadAlreadyRunningError, type LoadRunner } from '../../ports/load-runner.js';

// The search attributes operators find loads by (registered by the stack scripts).
const datasetIdKey = defineSearchAttributeKey('ConductorDatasetId', SearchAttributeType.KEYWORD);
const ownerKey = defineSearchAttributeKey('ConductorOwner', SearchAttributeType.KEYWORD);
const statusKey = defineSearchAttributeKey('ConductorLoadStatus', SearchAttributeType.KEYWORD);
const rowsKey = defineSearchAttributeKey('ConductorRowsLoaded', SearchAttributeType.INT);

/** Package loads as Temporal workflows, one workflow id per dataset; the descriptor URL travels in the memo. */
export class TemporalLoadRunner implements LoadRunner {
  constructor(
    private readonly client: Client,
    private readonly config: TemporalConfig,
  ) {}

  async running(workflowId: string): Promise<string | null> {
    try {
      const description = await this.client.workflow.getHandle(workflowId).describe();
      if (description.status.name !== 'RUNNING') return null;
      const url = description.memo?.descriptorUrl;
      return typeof url === 'string' ? url : null;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return null;
      throw error;
    }
  }

  async start(workflowId: string, input: LoadInput): Promise<void> {
    try {
      await this.client.workflow.start(loadPackageWorkflowName, {
        taskQueue: this.config.taskQueue,
        workflowId,
        args: [input],
        memo: { descriptorUrl: input.descriptorUrl },
        workflowIdConflictPolicy: 'FAIL',
        // What the Temporal UI shows from the start, even while the load is queued.
        staticSummary: `Load ${input.datasetId} from ${input.descriptorUrl}`,
        typedSearchAttributes: [
          { key: datasetIdKey, value: input.datasetId },
          { key: ownerKey, value: input.owner },
          { key: statusKey, value: 'queued' },
          { key: rowsKey, value: 0 },
        ],
      });
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) throw new LoadAlreadyRunningError(workflowId);
      throw error;
    }
  }

  workflowUrl(workflowId: string, runId: string | null): string | undefined {
    if (!this.config.uiUrl) return undefined;
    return `${this.config.uiUrl}/namespaces/${this.config.namespace}/workflows/${encodeURIComponent(workflowId)}${runId ? `/${runId}` : ''}`;
  }
}
