import type { MikroORM } from '@mikro-orm/postgresql';
import { tablePrefixFor } from '../../../core/packages/table-names.js';
import type { LoadedData } from '../../../ports/package-registry.js';
import type { DatasetRecord } from '../../../ports/work-package-store.js';
import { DatasetEntity } from '../entities/dataset.entity.js';

/** A dataset's loaded tables and its dataset row (seen by the work-package service). */
export class LoadedDataRepository implements LoadedData {
  constructor(private readonly orm: MikroORM) {}

  async saveDataset(dataset: DatasetRecord): Promise<void> {
    await this.orm.em.fork().upsert(DatasetEntity, dataset);
  }

  async setPublished(datasetId: string, published: boolean): Promise<void> {
    await this.orm.em.fork().nativeUpdate(DatasetEntity, { id: datasetId }, { published });
  }

  async remove(datasetId: string): Promise<void> {
    const prefix = tablePrefixFor(datasetId);
    await this.orm.em.fork().transactional(async (em) => {
      const connection = em.getConnection();
      // The prefix is hex from a hash, and `_` is escaped for LIKE: only this dataset's tables match.
      const tables = await connection.execute<{ name: string }[]>(
        "select table_name as name from information_schema.tables where table_schema = current_schema() and table_name like ? escape '\\'",
        [`${prefix}\\_%`],
      );
      // The fact view (of a package with several resources) first: it depends on the tables.
      await connection.execute(`drop view if exists "${prefix}_fact"`);
      for (const { name } of tables) if (/^fdp_[0-9a-f]{24}_[0-9a-z_]+$/.test(name) && name !== `${prefix}_fact`) await connection.execute(`drop table if exists "${name}"`);
      await connection.execute("delete from package_load_checkpoints where table_name like ? escape '\\'", [`${prefix}\\_%`]);
      await em.nativeDelete(DatasetEntity, { id: datasetId });
    });
  }
}
