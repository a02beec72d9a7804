import type { MikroORM } from '@mikro-orm/postgresql';
import { tableNameFor } from '../../../core/packages/table-names.js';
import type { LoadIdentity, LoadStatusStore, LoadStatusUpdate, LoadStep, StoredLoadStatus } from '../../../ports/load-status-store.js';
import type { LoadStatusName } from '../../../core/packages/load.types.js';

interface Row {
  descriptor_url: string;
  dataset_id: string;
  workflow_id: string;
  run_id: string | null;
  status: LoadStatusName;
  progress: string;
  resource: number | null;
  error: string | null;
  steps: LoadStep[];
}

/** Load statuses in `package_loads`; rows in flight come from the table loader's checkpoints. */
export class LoadStatusRepository implements LoadStatusStore {
  constructor(private readonly orm: MikroORM) {}

  async queue(load: LoadIdentity): Promise<void> {
    const steps = JSON.stringify([{ status: 'queued', at: new Date().toISOString(), rows: 0 }]);
    await this.orm.em.getConnection().execute(
      `insert into package_loads (descriptor_url, dataset_id, owner, workflow_id, run_id, status, progress, resource, error, steps, started_at, updated_at)
       values (?, ?, ?, ?, null, 'queued', 0, null, null, ?::jsonb, now(), now())
       on conflict (descriptor_url) do update set dataset_id = excluded.dataset_id, owner = excluded.owner, workflow_id = excluded.workflow_id,
         run_id = null, status = 'queued', progress = 0, resource = null, error = null, steps = excluded.steps, started_at = now(), updated_at = now()`,
      [load.descriptorUrl, load.datasetId, load.owner, load.workflowId, steps],
    );
  }

  async record(load: LoadIdentity, update: LoadStatusUpdate): Promise<void> {
    const at = new Date().toISOString();
    const step = JSON.stringify([...(update.passing ?? []), update.status].map((status) => ({ status, at, rows: update.progress })));
    await this.orm.em.getConnection().execute(
      `insert into package_loads (descriptor_url, dataset_id, owner, workflow_id, run_id, status, progress, resource, error, steps, started_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, now(), now())
       on conflict (descriptor_url) do update set run_id = excluded.run_id, status = excluded.status, progress = excluded.progress,
         resource = excluded.resource, error = excluded.error, steps = package_loads.steps || excluded.steps, updated_at = now()`,
      [load.descriptorUrl, load.datasetId, load.owner, load.workflowId, update.runId, update.status, update.progress, update.resource ?? null, update.error ?? null, step],
    );
  }

  async find(descriptorUrl: string): Promise<StoredLoadStatus | null> {
    const connection = this.orm.em.getConnection();
    const [row] = await connection.execute<Row[]>('select * from package_loads where descriptor_url = ?', [descriptorUrl]);
    if (!row) return null;
    let inFlight = 0;
    // The workflow learns a resource's rows when it is done; until then its committed rows are in the checkpoint of this run.
    if (row.status === 'loading-data' && row.resource !== null && row.run_id) {
      const [checkpoint] = await connection.execute<{ rows_committed: string }[]>(
        'select rows_committed from package_load_checkpoints where table_name = ? and load_id = ?',
        [tableNameFor(row.dataset_id, row.resource), row.run_id],
      );
      inFlight = Number(checkpoint?.rows_committed ?? 0);
    }
    return {
      descriptorUrl: row.descriptor_url,
      datasetId: row.dataset_id,
      workflowId: row.workflow_id,
      runId: row.run_id,
      status: row.status,
      progress: Number(row.progress) + inFlight,
      error: row.error,
      steps: row.steps,
    };
  }
}
