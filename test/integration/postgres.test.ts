/** MikroORM against the real PostgreSQL: the checked-in migrations and the permissions entity. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermissionEntity } from '../../src/adapters/postgres/entities/permission.entity.ts';
import { createOrm, migrate, type Orm } from '../../src/adapters/postgres/orm.ts';
import { createTestDatabase } from '../setup/databases.ts';

describe('PostgreSQL through MikroORM', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let orm: Orm;

  beforeAll(async () => {
    database = await createTestDatabase('orm');
    orm = await createOrm({ url: database.url, poolMax: 4 });
  });
  afterAll(async () => {
    await orm?.close();
    await database?.drop();
  });

  it('applies the checked-in migrations once, then has nothing left to apply', async () => {
    expect(await migrate(orm)).toEqual(['Migration20261123000000Permissions', 'Migration20261123010000Users', 'Migration20261123020000WorkPackages', 'Migration20261123030000LoadCheckpoints', 'Migration20261124000000PackageLoads', 'Migration20261124010000PathSafeFileIds', 'Migration20261207000000DatasetIdAliases']);
    expect(await migrate(orm)).toEqual([]);
  });

  it('seeds the reference default: everyone may upload data packages', async () => {
    const row = await orm.em.fork().findOne(PermissionEntity, { userid: '*', service: 'os.datastore' });
    expect(row?.permissions).toEqual({ 'datapackage-upload': true });
  });

  it('stores and reads a permissions row through a forked EntityManager', async () => {
    const em = orm.em.fork();
    em.create(PermissionEntity, { userid: 'a'.repeat(32), service: 'os.datastore', permissions: { 'datapackage-upload': false } });
    await em.flush();
    const again = await orm.em.fork().findOneOrFail(PermissionEntity, { userid: 'a'.repeat(32), service: 'os.datastore' });
    expect(again.permissions).toEqual({ 'datapackage-upload': false });
  });

  it('keeps one row per user and service (primary key)', async () => {
    const em = orm.em.fork();
    em.create(PermissionEntity, { userid: '*', service: 'os.datastore', permissions: {} });
    await expect(em.flush()).rejects.toThrow(/duplicate key|unique/i);
  });

  it('passes hostile text as data, never as SQL', async () => {
    const hostile = "x'); drop table permissions; --";
    const em = orm.em.fork();
    em.create(PermissionEntity, { userid: 'b'.repeat(32), service: hostile, permissions: {} });
    await em.flush();
    expect(await orm.em.fork().count(PermissionEntity, { service: hostile })).toBe(1);
    expect(await orm.em.fork().count(PermissionEntity, {})).toBeGreaterThanOrEqual(3);
  });
});
