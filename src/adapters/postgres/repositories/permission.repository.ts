import type { MikroORM } from '@mikro-orm/postgresql';
import type { Permissions, PermissionStore } from '../../../ports/permission-store.js';
import { PermissionEntity } from '../entities/permission.entity.js';

/** Permission rows in PostgreSQL. */
export class PermissionRepository implements PermissionStore {
  constructor(private readonly orm: MikroORM) {}

  async rows(userid: string, service: string): Promise<{ everyone?: Permissions; user?: Permissions }> {
    const rows = await this.orm.em.fork().find(PermissionEntity, { service, userid: { $in: ['*', userid] } });
    return {
      everyone: rows.find((row) => row.userid === '*')?.permissions,
      user: userid === '*' ? undefined : rows.find((row) => row.userid === userid)?.permissions,
    };
  }

  async set(userid: string, service: string, permissions: Permissions): Promise<void> {
    await this.orm.em.fork().upsert(PermissionEntity, { userid, service, permissions });
  }
}
