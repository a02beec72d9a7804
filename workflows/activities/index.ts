import { hostname } from 'node:os';
import type { Client as SearchClient } from '@elastic/elasticsearch';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client as ObjectStoreClient } from 'minio';
import type { BackendCheck, StackCheckResult } from '../shared.js';

/** What the activities need, handed in by the worker's composition root. */
export interface ActivityDeps {
  orm: MikroORM;
  search: SearchClient;
  objectStore: ObjectStoreClient;
  bucket: string;
}

/** Builds the activities over their dependencies (so tests can hand in their own). */
export function createActivities(deps: ActivityDeps) {
  return {
    async checkBackends(): Promise<StackCheckResult> {
      const checks = await Promise.all([
        check('postgresql', async () => {
          const [row] = await deps.orm.em.getConnection().execute<{ version: string }[]>('select version() as version');
          return String(row?.version).split(' on ')[0] ?? 'unknown';
        }),
        check('elasticsearch', async () => {
          // Cluster health rather than `GET /`: the minimal distribution has no root info handler.
          const health = await deps.search.cluster.health();
          return `cluster ${health.cluster_name} ${health.status}`;
        }),
        check('object-store', async () => `bucket ${deps.bucket} ${(await deps.objectStore.bucketExists(deps.bucket)) ? 'exists' : 'missing'}`),
      ]);
      return { workerIdentity: `${process.pid}@${hostname()}`, checks };
    },
  };
}

/** The activities as proxied by workflow code (type only there). */
export type Activities = ReturnType<typeof createActivities>;

async function check(backend: BackendCheck['backend'], probe: () => Promise<string>): Promise<BackendCheck> {
  try {
    return { backend, ok: true, detail: await probe() };
  } catch (error) {
    return { backend, ok: false, detail: (error as Error).message };
  }
}
