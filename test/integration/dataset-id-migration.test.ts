/**
 * The dataset id migration against the real PostgreSQL and Elasticsearch: a
 * dataset loaded under an old-style id (`<owner>:my_budget`) moves to its
 * reference id with everything that names it, and the old id stays an alias.
 */
import { describe, expect, it } from 'vitest';
import { migrateDatasetIds } from '../../src/adapters/data-migrations/dataset-ids.ts';
import { DatasetAliasRepository } from '../../src/adapters/postgres/repositories/dataset-alias.repository.ts';
import { fileIdFor } from '../../src/core/packages/file-ids.ts';
import { tablePrefixFor } from '../../src/core/packages/table-names.ts';
import { migrationBed } from '../support/migration-bed.ts';

const owner = 'b'.repeat(32);

describe('dataset id migration', () => {
  const bed = migrationBed('idmig');

  /** A dataset as the loader used to leave it: registry document, dataset row, one table, a work package, a grant, a load record. */
  async function loadedTheOldWay(folder: string, oldId: string, status = 'done') {
    const sql = bed.orm.em.getConnection();
    const table = `${tablePrefixFor(oldId)}_0`;
    await sql.execute(`create table "${table}" (c_amount numeric)`);
    await sql.execute(`insert into "${table}" values (1.5), (2.25)`);
    await sql.execute("insert into datasets (id, owner, title, description, stage, published, files) values (?, ?, 't', null, 'download', false, ?::jsonb)", [oldId, owner, JSON.stringify([{ id: fileIdFor(oldId, 'treasury'), extension: '.csv' }])]);
    const workPackage = await sql.execute<{ id: string }[]>(
      "insert into work_packages (id, dataset_id, type, files, user_id, full_user_name, email, user_public_crypt4gh_key, token_hash, created, expires) values (gen_random_uuid(), ?, 'download', ?::jsonb, 'u', 'U', 'u@example.org', 'k', 'h', now(), now() + interval '1 day') returning id",
      [oldId, JSON.stringify({ [fileIdFor(oldId, 'treasury')]: '.csv' })],
    );
    await sql.execute('insert into dataset_access_grants (user_id, dataset_id) values (?, ?)', ['grantee', oldId]);
    const url = `http://127.0.0.1:9000/datastore/${owner}/${encodeURIComponent(folder)}/datapackage.json`;
    await sql.execute("insert into package_loads (descriptor_url, dataset_id, owner, workflow_id, status) values (?, ?, ?, 'load:x', ?)", [url, oldId, owner, status]);
    await bed.search.index({
      index: bed.index,
      id: oldId,
      refresh: true,
      document: { id: oldId, origin_url: url, model: { fact_table: table, measures: {} }, package: { owner, name: folder, private: true, resources: [{ name: 'treasury', path: 'treasury.csv' }] }, loaded: true },
    });
    return { table, workPackageId: workPackage[0]!.id };
  }

  it('moves the registry document, dataset row, file ids, work packages, grants, load records and tables; the old id stays an alias; a second run changes nothing', async () => {
    const oldId = `${owner}:presupuesto_a_o_2024`;
    const newId = `${owner}:presupuesto-ano-2024`;
    const { table, workPackageId } = await loadedTheOldWay('Presupuesto Año 2024', oldId);

    const report = await migrateDatasetIds(bed.orm, bed.search, bed.prefix);
    expect(report.renamed).toEqual([{ from: oldId, to: newId }]);

    const moved = await bed.search.get<Record<string, unknown>>({ index: bed.index, id: newId });
    expect(moved._source).toMatchObject({ id: newId, model: { fact_table: `${tablePrefixFor(newId)}_0` }, package: { owner, name: 'Presupuesto Año 2024' } });
    expect((await bed.search.exists({ index: bed.index, id: oldId }))).toBe(false);

    const sql = bed.orm.em.getConnection();
    expect(await sql.execute(`select c_amount::text as amount from "${tablePrefixFor(newId)}_0" order by 1`)).toEqual([{ amount: '1.5' }, { amount: '2.25' }]);
    expect(await sql.execute('select table_name from information_schema.tables where table_name = ?', [table])).toEqual([]);
    const newFileId = fileIdFor(newId, 'treasury');
    expect(await sql.execute('select id, files from datasets')).toEqual([{ id: newId, files: [{ id: newFileId, extension: '.csv' }] }]);
    expect(await sql.execute('select dataset_id, files from work_packages where id = ?', [workPackageId])).toEqual([{ dataset_id: newId, files: { [newFileId]: '.csv' } }]);
    expect(await sql.execute('select user_id, dataset_id from dataset_access_grants')).toEqual([{ user_id: 'grantee', dataset_id: newId }]);
    expect(await sql.execute('select dataset_id from package_loads')).toEqual([{ dataset_id: newId }]);
    expect(await new DatasetAliasRepository(bed.orm).currentId(oldId)).toBe(newId);
    expect(await new DatasetAliasRepository(bed.orm).currentId(newId)).toBe(newId);

    expect(await migrateDatasetIds(bed.orm, bed.search, bed.prefix)).toEqual({ renamed: [], postponed: [] });
  });

  it('leaves a dataset whose load is running for the next run', async () => {
    const oldId = `${owner}:still_loading`;
    await loadedTheOldWay('still_loading', oldId, 'loading-data');
    const report = await migrateDatasetIds(bed.orm, bed.search, bed.prefix);
    expect(report).toEqual({ renamed: [], postponed: [{ id: oldId, reason: 'a load of it is running' }] });
    expect((await bed.search.exists({ index: bed.index, id: oldId }))).toBe(true);

    await bed.orm.em.getConnection().execute("update package_loads set status = 'done' where dataset_id = ?", [oldId]);
    expect((await migrateDatasetIds(bed.orm, bed.search, bed.prefix)).renamed).toEqual([{ from: oldId, to: `${owner}:still-loading` }]);
  });
});
