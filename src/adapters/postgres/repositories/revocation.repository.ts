import type { MikroORM } from '@mikro-orm/postgresql';
import type { RevocationStore } from '../../../ports/revocation-store.js';
import { RevokedTokenEntity } from '../entities/revoked-token.entity.js';

/** Revoked token ids in PostgreSQL; rows past their expiry are pruned on each revocation. */
export class RevocationRepository implements RevocationStore {
  constructor(private readonly orm: MikroORM) {}

  async revoke(jti: string, expiresAt: Date): Promise<void> {
    const em = this.orm.em.fork();
    await em.upsert(RevokedTokenEntity, { jti, expiresAt });
    await em.nativeDelete(RevokedTokenEntity, { expiresAt: { $lt: new Date() } });
  }

  async isRevoked(jti: string): Promise<boolean> {
    return (await this.orm.em.fork().count(RevokedTokenEntity, { jti })) > 0;
  }

  /** Every revocation whose token has not expired yet (what an in-memory copy starts from). */
  async unexpired(): Promise<{ jti: string; expiresAt: Date }[]> {
    const rows = await this.orm.em.fork().find(RevokedTokenEntity, { expiresAt: { $gt: new Date() } });
    return rows.map(({ jti, expiresAt }) => ({ jti, expiresAt }));
  }
}
