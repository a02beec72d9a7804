import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A dataset (a loaded package) as the work-package service sees it; the Package service keeps these rows. */
export const DatasetEntity = defineEntity({
  name: 'Dataset',
  tableName: 'datasets',
  properties: {
    id: p.string().length(300).primary(),
    owner: p.string().length(64).index(),
    title: p.text(),
    description: p.text().nullable(),
    stage: p.string().length(16),
    published: p.boolean(),
    /** The dataset's files in their order: `[{id, extension}]`. */
    files: p.json<{ id: string; extension: string }[]>(),
  },
});

export type Dataset = InferEntity<typeof DatasetEntity>;
