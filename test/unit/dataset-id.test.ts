import { describe, expect, it } from 'vitest';
import { datasetIdFor, datasetSlug } from '../../src/core/packages/dataset-id.ts';

describe('dataset ids', () => {
  // Expected values are python-slugify 8's `slugify(name, separator='_').lower().replace('_', '-')`,
  // what the reference pipeline's extract_storage_ids computes.
  it.each([
    ['my_Budget-2024', 'my-budget-2024'],
    ['real-fe-x', 'real-fe-x'],
    ['eu_funds_absorption_rate_2007_2013', 'eu-funds-absorption-rate-2007-2013'],
    ['Presupuesto Año 2024', 'presupuesto-ano-2024'],
    ["Don't panic", 'don-t-panic'],
    ['1,000 items', '1000-items'],
    ['  --Ünïcode  ', 'unicode'],
    ['Straße & Co.', 'strasse-co'],
    ['北京', 'bei-jing'],
    ['x__y--z', 'x-y-z'],
    ['Hello.World', 'hello-world'],
  ])('%s → %s, as the reference pipeline names it', (name, slug) => {
    expect(datasetSlug(name)).toBe(slug);
  });

  it('prefixes the owner, never yields an empty name, and stays at 100 characters without a trailing dash', () => {
    expect(datasetIdFor('0123abcd', 'My Budget')).toBe('0123abcd:my-budget');
    expect(datasetSlug('!!!')).toBe('package');
    const long = datasetSlug(`${'a'.repeat(99)} b`);
    expect(long).toBe('a'.repeat(99));
  });
});
