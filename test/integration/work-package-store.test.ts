/** The work-package store's one-statement read of a work package in use, against the real PostgreSQL. */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrm, migrate, type Orm } from '../../src/adapters/postgres/orm.ts';
import { WorkPackageRepository } from '../../src/adapters/postgres/repositories/work-package.repository.ts';
import type { WorkPackageRecord } from '../../src/ports/work-package-store.ts';
import { createTestDatabase } from '../setup/databases.ts';

describe('WorkPackageRepository.findWorkPackageInUse', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let orm: Orm;
  const dataset = { id: 'owner:budget-2024', owner: 'owner', title: 'Budget 2024', description: null, stage: 'download', published: true, files: [{ id: 'data-0123456789ab', extension: '.csv' }] };
  const workPackage = (datasetId: string): WorkPackageRecord => ({
    id: randomUUID(),
    datasetId,
    type: 'download',
    files: { 'data-0123456789ab': '.csv' },
    userId: 'user-1',
    fullUserName: 'Dr. Jane Doe',
    email: 'jane@example.test',
    userPublicCrypt4ghKey: 'a'.repeat(44),
    tokenHash: 'b'.repeat(64),
    created: new Date('2026-12-01T10:00:00.000Z'),
    expires: new Date('2026-12-31T10:00:00.000Z'),
  });

  beforeAll(async () => {
    database = await createTestDatabase('work_package_store');
    orm = await createOrm({ url: database.url, poolMax: 2 });
    await migrate(orm);
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    await db.query('insert into datasets (id, owner, title, description, stage, published, files) values ($1, $2, $3, $4, $5, $6, $7)', [
      dataset.id,
      dataset.owner,
      dataset.title,
      dataset.description,
      dataset.stage,
      dataset.published,
      JSON.stringify(dataset.files),
    ]);
    await db.end();
  });
  afterAll(async () => {
    await orm?.close();
    await database?.drop();
  });

  it('reads the work package and its dataset with the types they were stored with', async () => {
    const store = new WorkPackageRepository(orm);
    const stored = workPackage(dataset.id);
    await store.saveWorkPackage(stored);
    expect(await store.findWorkPackageInUse(stored.id)).toEqual({ workPackage: stored, dataset });
  });

  it('says the dataset is gone when it is, and nothing for an unknown work package', async () => {
    const store = new WorkPackageRepository(orm);
    const orphan = workPackage('owner:deleted');
    await store.saveWorkPackage(orphan);
    expect(await store.findWorkPackageInUse(orphan.id)).toEqual({ workPackage: orphan, dataset: null });
    expect(await store.findWorkPackageInUse(randomUUID())).toBeNull();
  });
});
