import { CoreError } from '../errors.js';
import { LoadAlreadyRunningError, type LoadRunner, type LoadStatus } from '../../ports/load-runner.js';
import type { LoadStatusStore, LoadStep } from '../../ports/load-status-store.js';
import { datasetIdFor } from './dataset-id.js';
import { checkDescriptorUrlText, locateDescriptor, type DescriptorUrlPolicy } from './descriptor-url.js';

/** The workflow of a dataset's loads: one id per dataset, so two loads of one dataset never run at once. */
export function loadWorkflowIdFor(datasetId: string): string {
  return `load:${datasetId}`;
}

/** What `/package/status` answers. */
export type LoadStatusAnswer = LoadStatus & { datasetId: string; workflowUrl?: string; steps: LoadStep[] };

/** `/package/upload` and `/package/status`. */
export class PackageLoadService {
  constructor(
    private readonly runner: LoadRunner,
    private readonly statuses: LoadStatusStore,
    private readonly policy: DescriptorUrlPolicy & { retryWindowSeconds?: number },
  ) {}

  /**
   * Starts the load of a descriptor for a user allowed to upload. An upload
   * of the URL being loaded joins that load; an upload of another URL of a
   * dataset being loaded is refused (409) until that load ends.
   */
  async upload(userid: string, descriptorUrl: string | undefined): Promise<LoadStatus> {
    const location = locateDescriptor(descriptorUrl, this.policy);
    const url = descriptorUrl as string;
    let owner = userid;
    let name: string;
    if (location.kind === 'datastore') {
      const [keyOwner, packageName] = location.key.split('/');
      if (keyOwner !== userid) throw new CoreError('permission-denied', 'The dataset is owned by another user');
      owner = keyOwner;
      name = packageName ?? 'package';
    } else {
      const parts = location.url.pathname.split('/').filter(Boolean);
      name = parts.at(-2) ?? location.url.hostname;
    }
    const datasetId = datasetIdFor(owner, name);
    const workflowId = loadWorkflowIdFor(datasetId);
    const source = location.kind === 'datastore' ? { kind: 'datastore' as const, key: location.key } : { kind: 'web' as const, url: location.url.toString() };

    const joined = await this.joinRunning(workflowId, url, datasetId);
    if (joined) return joined;
    await this.statuses.queue({ descriptorUrl: url, datasetId, owner, workflowId });
    try {
      const retry = this.policy.retryWindowSeconds === undefined ? {} : { retryWindowSeconds: this.policy.retryWindowSeconds };
      await this.runner.start(workflowId, { descriptorUrl: url, source, owner, datasetId, ...retry });
    } catch (error) {
      // Another upload of the dataset started a load between our look and our start.
      if (error instanceof LoadAlreadyRunningError) return (await this.joinRunning(workflowId, url, datasetId)) ?? { status: 'queued', progress: 0 };
      throw error;
    }
    return { status: 'queued', progress: 0 };
  }

  /** The status of the URL's last load, from the durable record (no worker or workflow history needed). */
  async status(descriptorUrl: string | undefined): Promise<LoadStatusAnswer> {
    const stored = await this.statuses.find(checkDescriptorUrlText(descriptorUrl));
    if (!stored) throw new CoreError('not-found', 'No load is known for that datapackage');
    const workflowUrl = this.runner.workflowUrl(stored.workflowId, stored.runId);
    return {
      status: stored.status,
      progress: stored.progress,
      ...(stored.error ? { error: stored.error } : {}),
      datasetId: stored.datasetId,
      ...(workflowUrl ? { workflowUrl } : {}),
      steps: stored.steps,
    };
  }

  /** The running load's status when it reads this URL; a 409 when it reads another; undefined when none runs. */
  private async joinRunning(workflowId: string, url: string, datasetId: string): Promise<LoadStatus | undefined> {
    const running = await this.runner.running(workflowId);
    if (running === null) return undefined;
    if (running !== url) {
      throw new CoreError('already-exists', `Dataset ${datasetId} is being loaded from another descriptor (${running}); upload again when that load has ended`);
    }
    const stored = await this.statuses.find(url);
    return stored ? { status: stored.status, progress: stored.progress } : { status: 'queued', progress: 0 };
  }
}
