import { createHash } from 'node:crypto';
import { CoreError } from '../errors.js';
import type { LoadRunner, LoadStatus } from '../../ports/load-runner.js';
import { locateDescriptor, type DescriptorUrlPolicy } from './descriptor-url.js';

/** The load of a descriptor URL: one per URL, so a second upload joins the running one. */
export function loadIdFor(descriptorUrl: string): string {
  return `load-${createHash('sha256').update(descriptorUrl).digest('hex').slice(0, 40)}`;
}

const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '').slice(0, 100) || 'package';

/** `/package/upload` and `/package/status`. */
export class PackageLoadService {
  constructor(
    private readonly runner: LoadRunner,
    private readonly policy: DescriptorUrlPolicy,
  ) {}

  /** Starts (or joins) the load of a descriptor for a user allowed to upload. */
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
    const datasetId = `${owner}:${slug(name)}`;
    const source = location.kind === 'datastore' ? { kind: 'datastore' as const, key: location.key } : { kind: 'web' as const, url: location.url.toString() };
    return this.runner.start(loadIdFor(url), { descriptorUrl: url, source, owner, datasetId });
  }

  async status(descriptorUrl: string | undefined): Promise<LoadStatus & { datasetId?: string; workflowUrl?: string }> {
    if (!descriptorUrl) throw new CoreError('invalid-argument', 'datapackage is required');
    const status = await this.runner.status(loadIdFor(descriptorUrl));
    if (!status) throw new CoreError('not-found', 'No load is known for that datapackage');
    return status;
  }
}
