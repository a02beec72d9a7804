import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { loadPackageWorkflowName, type LoadInput } from '../../../workflows/shared.js';
import type { TemporalConfig } from '../../config/temporal.config.js';
import { LoadAlreadyRunningError, type LoadRunner } from '../../ports/load-runner.js';

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
