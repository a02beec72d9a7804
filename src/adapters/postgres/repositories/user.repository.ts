import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { ProviderIdentity, SetUsernameOutcome, UserRecord, UserStore } from '../../../ports/user-store.js';
import { IdentityEntity } from '../entities/identity.entity.js';
import { UserEntity, type User } from '../entities/user.entity.js';

/** Users in PostgreSQL; one forked EntityManager per call. */
export class UserRepository implements UserStore {
  constructor(private readonly orm: MikroORM) {}

  async findByIdentity(identity: ProviderIdentity): Promise<UserRecord | null> {
    const em = this.orm.em.fork();
    const link = await em.findOne(IdentityEntity, { provider: identity.provider, providerId: identity.providerId });
    if (!link) return null;
    const user = await em.findOne(UserEntity, { idhash: link.userIdhash });
    return user ? toRecord(user) : null;
  }

  async findByIdhash(idhash: string): Promise<UserRecord | null> {
    const user = await this.orm.em.fork().findOne(UserEntity, { idhash });
    return user ? toRecord(user) : null;
  }

  async createOrLink(user: UserRecord, identity: ProviderIdentity): Promise<{ user: UserRecord; created: boolean }> {
    return this.orm.em.fork().transactional(async (em) => {
      // Inserting and ignoring a conflict is safe under concurrent first logins of the same person.
      const inserted = await em
        .createQueryBuilder(UserEntity)
        .insert({ ...user })
        .onConflict('idhash')
        .ignore()
        .execute('run');
      await em.createQueryBuilder(IdentityEntity).insert({ ...identity, userIdhash: user.idhash }).onConflict(['provider', 'providerId']).ignore().execute('run');
      const stored = await em.findOneOrFail(UserEntity, { idhash: user.idhash });
      return { user: toRecord(stored), created: (inserted.affectedRows ?? 0) > 0 };
    });
  }

  async setUsernameOnce(idhash: string, username: string): Promise<SetUsernameOutcome> {
    const em = this.orm.em.fork();
    try {
      const updated = await em.nativeUpdate(UserEntity, { idhash, username: null }, { username });
      if (updated === 1) return 'set';
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) return 'taken';
      throw error;
    }
    return (await em.count(UserEntity, { idhash })) ? 'already-set' : 'unknown-user';
  }
}

function toRecord(user: User): UserRecord {
  return {
    idhash: user.idhash,
    profileId: user.profileId,
    name: user.name,
    email: user.email,
    avatarUrl: user.avatarUrl,
    username: user.username ?? null,
    joinDate: user.joinDate,
  };
}
