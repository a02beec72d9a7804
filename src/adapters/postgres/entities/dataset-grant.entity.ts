import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** An explicit grant: this user may create work packages for this dataset. */
export const DatasetGrantEntity = defineEntity({
  name: 'DatasetGrant',
  tableName: 'dataset_access_grants',
  properties: {
    userId: p.string().length(300).primary(),
    datasetId: p.string().length(300).primary(),
  },
});

export type DatasetGrant = InferEntity<typeof DatasetGrantEntity>;
