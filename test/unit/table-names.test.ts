import { describe, expect, it } from 'vitest';
import { resourceIndexIn, tableNameFor, tablePrefixFor } from '../../src/core/packages/table-names.ts';

describe('table names', () => {
  it('reads back the resource index of every checkpoint name it makes (the loader orders resources by it)', () => {
    const datasetId = 'owner:budget-2024';
    const prefix = tablePrefixFor(datasetId);
    // The prefix is hex and may end in digits: the index is what follows `<prefix>_`, whatever the prefix ends with.
    for (const index of [0, 1, 9, 10, 123]) expect(resourceIndexIn(tableNameFor(datasetId, index), prefix)).toBe(index);
  });
});
