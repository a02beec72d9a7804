import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A Conductor user; the primary key is the idhash (md5 of the verified email), the user id in tokens and storage. */
export const UserEntity = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    idhash: p.string().length(32).primary(),
    /** `<provider>:<provider user id>` of the identity the user first logged in with. */
    profileId: p.string().length(300),
    name: p.string().length(300),
    email: p.string().length(320).unique(),
    avatarUrl: p.string().length(2000),
    username: p.string().length(40).nullable().unique(),
    joinDate: p.datetime(),
  },
});

export type User = InferEntity<typeof UserEntity>;
