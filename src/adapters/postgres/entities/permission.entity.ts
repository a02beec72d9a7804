import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * One permissions row: what a user (or `*`, everyone) may do in one service.
 * A user's row overrides the `*` row key by key.
 */
export const PermissionEntity = defineEntity({
  name: 'Permission',
  tableName: 'permissions',
  properties: {
    userid: p.string().length(64).primary(),
    service: p.string().length(128).primary(),
    permissions: p.json<Record<string, unknown>>(),
  },
});

export type Permission = InferEntity<typeof PermissionEntity>;
