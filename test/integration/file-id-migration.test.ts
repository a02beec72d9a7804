/** The migration to path-safe file ids computes in SQL exactly the ids the loader now gives, in datasets and in existing work packages. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrm, type Orm } from '../../src/adapters/postgres/orm.ts';
import { fileIdFor } from '../../src/core/packages/file-ids.ts';
import { createTestDatabase } from '../setup/databases.ts';

describe('Migration20261124010000PathSafeFileIds', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let orm: Orm;
  beforeAll(async () => {
    database = await createTestDatabase('fileids');
    orm = await createOrm({ url: database.url, poolMax: 2 });
  });
  afterAll(async () => {
    await orm?.close();
    await database?.drop();
  });

  it('rewrites old `<dataset>/<resource>` ids to one URL segment, the same as fileIdFor', async () => {
    await orm.migrator.up({ to: 'Migration20261124000000PackageLoads' });
    const datasetId = `${'a'.repeat(32)}:budget_2015`;
    const resources = ['treasury', 'Total EU Allocations per MS 2014-2020', 'Ñandú/año', '---'];
    const connection = orm.em.getConnection();
    await connection.execute("insert into datasets (id, owner, title, description, stage, published, files) values (?, ?, 't', null, 'download', true, ?::jsonb)", [
      datasetId,
      'a'.repeat(32),
      JSON.stringify([...resources.map((name) => ({ id: `${datasetId}/${name}`, extension: '.csv' })), { id: 'file-id-1', extension: '.bam' }]),
    ]);
    await connection.execute(
      "insert into work_packages (id, dataset_id, type, files, user_id, full_user_name, email, user_public_crypt4gh_key, token_hash, created, expires) values (gen_random_uuid(), ?, 'download', ?::jsonb, 'u', 'U', 'u@example.org', 'k', 'h', now(), now() + interval '1 day')",
      [datasetId, JSON.stringify({ [`${datasetId}/treasury`]: '.csv' })],
    );
    await orm.migrator.up();
    const expected = resources.map((name) => fileIdFor(datasetId, name));
    for (const id of expected) expect(id).toMatch(/^[a-z0-9-]+$/);
    const [dataset] = await connection.execute<{ files: { id: string }[] }[]>('select files from datasets where id = ?', [datasetId]);
    expect(dataset?.files.map((file) => file.id)).toEqual([...expected, 'file-id-1']);
    const [workPackage] = await connection.execute<{ files: Record<string, string> }[]>('select files from work_packages where dataset_id = ?', [datasetId]);
    expect(workPackage?.files).toEqual({ [fileIdFor(datasetId, 'treasury')]: '.csv' });
  });
});
