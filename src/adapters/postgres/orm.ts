import { Migrator } from '@mikro-orm/migrations';
import { MikroORM } from '@mikro-orm/postgresql';
import type { DatabaseConfig } from '../../config/database.config.js';
import { DatasetGrantEntity } from './entities/dataset-grant.entity.js';
import { DatasetEntity } from './entities/dataset.entity.js';
import { IdentityEntity } from './entities/identity.entity.js';
import { WorkPackageEntity } from './entities/work-package.entity.js';
import { PermissionEntity } from './entities/permission.entity.js';
import { RevokedTokenEntity } from './entities/revoked-token.entity.js';
import { UserEntity } from './entities/user.entity.js';
import { migrations } from './migrations/index.js';

export type Orm = MikroORM;

/** Every entity Conductor maps. */
export const entities = [PermissionEntity, UserEntity, IdentityEntity, RevokedTokenEntity, DatasetEntity, DatasetGrantEntity, WorkPackageEntity];

/** Connects MikroORM to PostgreSQL. Callers fork the EntityManager per request (`orm.em.fork()`). */
export function createOrm(config: DatabaseConfig): Promise<Orm> {
  return MikroORM.init({
    clientUrl: config.url,
    entities,
    extensions: [Migrator],
    migrations: { migrationsList: migrations, snapshot: false, transactional: true, allOrNothing: true },
    pool: { max: config.poolMax },
    debug: false,
  });
}

/** Applies the checked-in migrations that have not run yet; returns their names. */
export async function migrate(orm: Orm): Promise<string[]> {
  const applied = await orm.migrator.up();
  return applied.map((migration) => migration.name);
}
