import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A user token revoked by logout; kept until it would have expired anyway. */
export const RevokedTokenEntity = defineEntity({
  name: 'RevokedToken',
  tableName: 'revoked_tokens',
  properties: {
    jti: p.string().length(64).primary(),
    expiresAt: p.datetime().index(),
  },
});

export type RevokedToken = InferEntity<typeof RevokedTokenEntity>;
