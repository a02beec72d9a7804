import type { MikroORM } from '@mikro-orm/postgresql';
import type { DatasetRecord, WorkPackageRecord, WorkPackageStore } from '../../../ports/work-package-store.js';
import { DatasetGrantEntity } from '../entities/dataset-grant.entity.js';
import { DatasetEntity, type Dataset } from '../entities/dataset.entity.js';
import { WorkPackageEntity } from '../entities/work-package.entity.js';

/** Datasets, grants and work packages in PostgreSQL; one forked EntityManager per call. */
export class WorkPackageRepository implements WorkPackageStore {
  constructor(private readonly orm: MikroORM) {}

  async findDataset(id: string): Promise<DatasetRecord | null> {
    const dataset = await this.orm.em.fork().findOne(DatasetEntity, { id });
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
    await this.orm.em.fork().upsert(DatasetGrantEntity, { userId, datasetId });
  }

  async revoke(userId: string, datasetId: string): Promise<void> {
    await this.orm.em.fork().nativeDelete(DatasetGrantEntity, { userId, datasetId });
  }

  async saveWorkPackage(workPackage: WorkPackageRecord): Promise<void> {
    const em = this.orm.em.fork();
    em.create(WorkPackageEntity, { ...workPackage });
    await em.flush();
  }

  async findWorkPackage(id: string): Promise<WorkPackageRecord | null> {
    const found = await this.orm.em.fork().findOne(WorkPackageEntity, { id });
    return found ? { ...found } : null;
  }
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
