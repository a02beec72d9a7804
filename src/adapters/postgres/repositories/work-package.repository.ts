import type { MikroORM } from '@mikro-orm/postgresql';
import type { DatasetRecord, WorkPackageRecord, WorkPackageStore } from '../../../ports/work-package-store.js';
import { DatasetGrantEntity } from '../entities/dataset-grant.entity.js';
import { DatasetEntity, type Dataset } from '../entities/dataset.entity.js';
import { WorkPackageEntity } from '../entities/work-package.entity.js';
import { DatasetAliasRepository } from './dataset-alias.repository.js';

/** Datasets, grants and work packages in PostgreSQL; one forked EntityManager per call. */
export class WorkPackageRepository implements WorkPackageStore {
  private readonly aliases: DatasetAliasRepository;

  constructor(private readonly orm: MikroORM) {
    this.aliases = new DatasetAliasRepository(orm);
  }

  /** The dataset, also by a former id (see DatasetAliases). */
  async findDataset(id: string): Promise<DatasetRecord | null> {
    const em = this.orm.em.fork();
    const dataset = (await em.findOne(DatasetEntity, { id })) ?? (await em.findOne(DatasetEntity, { id: await this.aliases.currentId(id) }));
    return dataset ? toDataset(dataset) : null;
  }

  async accessibleDatasets(userId: string): Promise<DatasetRecord[]> {
    const em = this.orm.em.fork();
    const granted = (await em.find(DatasetGrantEntity, { userId })).map((grant) => grant.datasetId);
    const datasets = await em.find(DatasetEntity, { $or: [{ owner: userId }, { published: true }, { id: { $in: granted } }] }, { orderBy: { id: 'asc' } });
    return datasets.map(toDataset);
  }

  async hasGrant(userId: string, datasetId: string): Promise<boolean> {
    return (await this.orm.em.fork().count(DatasetGrantEntity, { userId, datasetId })) > 0;
  }

  async grant(userId: string, datasetId: string): Promise<void> {
    await this.orm.em.fork().upsert(DatasetGrantEntity, { userId, datasetId: await this.aliases.currentId(datasetId) });
  }

  async revoke(userId: string, datasetId: string): Promise<void> {
    await this.orm.em.fork().nativeDelete(DatasetGrantEntity, { userId, datasetId: await this.aliases.currentId(datasetId) });
  }

  async saveWorkPackage(workPackage: WorkPackageRecord): Promise<void> {
    const em = this.orm.em.fork();
    em.create(WorkPackageEntity, { ...workPackage });
    await em.flush();
  }

  /**
   * One statement on the driver, not two ORM look-ups: this runs on every
   * work order token, and in the bench:wot profile MikroORM's per-query
   * work was a third of the server's time per token.
   */
  async findWorkPackageInUse(id: string): Promise<{ workPackage: WorkPackageRecord; dataset: DatasetRecord | null } | null> {
    const pool = await this.orm.em.getConnection().getNativeClient();
    const { rows } = await pool.query<WorkPackageRow>(
      `select w.id, w.dataset_id, w.type, w.files, w.user_id, w.full_user_name, w.email, w.user_public_crypt4gh_key, w.token_hash,
              to_json(w.created) as created, to_json(w.expires) as expires,
              d.id as d_id, d.owner as d_owner, d.title as d_title, d.description as d_description, d.stage as d_stage, d.published as d_published, d.files as d_files
       from work_packages w left join datasets d on d.id = w.dataset_id
       where w.id = $1`,
      [id],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      workPackage: {
        id: row.id,
        datasetId: row.dataset_id,
        type: row.type,
        files: row.files,
        userId: row.user_id,
        fullUserName: row.full_user_name,
        email: row.email,
        userPublicCrypt4ghKey: row.user_public_crypt4gh_key,
        tokenHash: row.token_hash,
        created: new Date(row.created),
        expires: new Date(row.expires),
      },
      dataset:
        row.d_id === null
          ? null
          : { id: row.d_id, owner: row.d_owner, title: row.d_title, description: row.d_description, stage: row.d_stage, published: row.d_published, files: row.d_files },
    };
  }
}

/** A work package row joined with its dataset's (whose columns are null when it is gone). */
interface WorkPackageRow {
  id: string;
  dataset_id: string;
  type: WorkPackageRecord['type'];
  files: WorkPackageRecord['files'];
  user_id: string;
  full_user_name: string;
  email: string;
  user_public_crypt4gh_key: string;
  token_hash: string;
  /** ISO 8601 (to_json): the ORM's driver settings read timestamps as text in PostgreSQL's own format. */
  created: string;
  expires: string;
  d_id: string | null;
  d_owner: string;
  d_title: string;
  d_description: string | null;
  d_stage: DatasetRecord['stage'];
  d_published: boolean;
  d_files: DatasetRecord['files'];
}

function toDataset(dataset: Dataset): DatasetRecord {
  return {
    id: dataset.id,
    owner: dataset.owner,
    title: dataset.title,
    description: dataset.description ?? null,
    stage: dataset.stage,
    published: dataset.published,
    files: dataset.files,
  };
}
