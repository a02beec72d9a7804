import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** One provider account (google:123, github:456) linked to a user. */
export const IdentityEntity = defineEntity({
  name: 'Identity',
  tableName: 'user_identities',
  properties: {
    provider: p.string().length(32).primary(),
    providerId: p.string().length(255).primary(),
    userIdhash: p.string().length(32).index(),
  },
});

export type Identity = InferEntity<typeof IdentityEntity>;
