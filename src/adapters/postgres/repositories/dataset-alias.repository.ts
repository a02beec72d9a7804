import type { MikroORM } from '@mikro-orm/postgresql';
import type { DatasetAliases } from '../../../ports/dataset-aliases.js';

/** The former dataset ids kept by the dataset id migration (`dataset_id_aliases`). */
export class DatasetAliasRepository implements DatasetAliases {
  constructor(private readonly orm: MikroORM) {}

  async currentId(id: string): Promise<string> {
    // Former ids all have a `_`, and PostgreSQL text cannot hold NUL: no need to ask for anything else.
    if (!id.includes('_') || id.includes('\0')) return id;
    const rows = await this.orm.em.getConnection().execute<{ new_id: string }[]>('select new_id from dataset_id_aliases where old_id = ?', [id]);
    return rows[0]?.new_id ?? id;
  }
}
