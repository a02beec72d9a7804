import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { StackCheckResult } from '../shared.js';

const { checkBackends } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 3, initialInterval: '1 second' },
});

/** Asks a worker to reach PostgreSQL, Elasticsearch and the object store, and reports what it found. */
export async function stackCheck(): Promise<StackCheckResult> {
  return checkBackends();
}
