import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A work package; only the SHA-256 of its access token is kept. */
export const WorkPackageEntity = defineEntity({
  name: 'WorkPackage',
  tableName: 'work_packages',
  properties: {
    id: p.uuid().primary(),
    datasetId: p.string().length(300),
    type: p.string().length(16),
    /** File id → extension, in the dataset's order. */
    files: p.json<Record<string, string>>(),
    userId: p.string().length(300),
    fullUserName: p.string().length(400),
    email: p.string().length(320),
    userPublicCrypt4ghKey: p.string().length(64),
    tokenHash: p.string().length(64),
    created: p.datetime(),
    expires: p.datetime(),
  },
});

export type WorkPackage = InferEntity<typeof WorkPackageEntity>;
