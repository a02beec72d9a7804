/** The fiscal model of real Fiscal Data Packages (FDP 0.3 `mapping`) and of an FDP 1.0 `columnType` package. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fiscalModelOf } from '../../src/core/packages/fiscal-model.ts';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'fdp');
const load = (name: string) => JSON.parse(readFileSync(join(fixtures, name, 'datapackage.json'), 'utf8')) as Record<string, unknown>;

describe('fiscalModelOf', () => {
  it.each(readdirSync(fixtures, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name))('reads the model of %s', (file) => {
    const descriptor = load(file);
    const model = fiscalModelOf(descriptor);
    expect(model.style).toBe('fdp-0.3');
    const section = (descriptor.model ?? descriptor.mapping) as { measures: object; dimensions: object };
    expect(model.measures.map((measure) => measure.name)).toEqual(Object.keys(section.measures));
    expect(model.dimensions.map((dimension) => dimension.name)).toEqual(Object.keys(section.dimensions));
    for (const dimension of model.dimensions) expect(dimension.primaryKey.length).toBeGreaterThan(0);
  });

  it('keeps labels and hierarchy parents (Madrid)', () => {
    const model = fiscalModelOf(load('madrid-municipal-gastos'));
    const attributes = model.dimensions.flatMap((dimension) => dimension.attributes);
    expect(attributes.some((attribute) => attribute.labelfor === 'CENTRO')).toBe(true);
    expect(attributes.some((attribute) => attribute.parent === 'CENTRO')).toBe(true);
  });

  it('derives the model from FDP 1.0 columnType fields', () => {
    const descriptor = {
      name: 'al-treasury-1-0',
      resources: [
        {
          name: 'treasury',
          path: 'data/treasury.csv',
          schema: {
            fields: [
              { name: 'Budget Institution Code', type: 'string', columnType: 'administrative-classification:generic:level1:code' },
              { name: 'Budget Institution', type: 'string', columnType: 'administrative-classification:generic:level1:label' },
              { name: 'Value', type: 'integer', columnType: 'value', currency: 'ALL' },
              { name: 'Date executed', type: 'date', columnType: 'date:generic' },
            ],
          },
        },
      ],
    };
    const model = fiscalModelOf(descriptor);
    expect(model).toMatchObject({ style: 'fdp-1.0', measures: [{ name: 'value', source: 'Value', currency: 'ALL' }] });
    const administrative = model.dimensions.find((dimension) => dimension.name === 'administrative-classification');
    expect(administrative?.primaryKey).toEqual(['budget-institution-code']);
    expect(administrative?.attributes.find((attribute) => attribute.source === 'Budget Institution')?.labelfor).toBe('budget-institution-code');
  });

  it('names what is wrong', () => {
    const base = load('al-treasury-spending');
    const mapping = base.mapping as { measures: Record<string, Record<string, unknown>>; dimensions: Record<string, Record<string, unknown>> };
    const cases: [unknown, RegExp][] = [
      [[], /must be a JSON object/],
      [{ ...base, resources: [] }, /at least one resource/],
      [{ ...base, resources: [{ path: '../../etc/passwd', schema: { fields: [{ name: 'a' }] } }] }, /resources\[0\]\.path must not contain \. or \.\. segments/],
      [{ ...base, resources: [{ path: 'a.csv', schema: { fields: [{ name: 'a', type: 'money' }] } }] }, /"money" is not a Table Schema type/],
      [{ ...base, mapping: { ...mapping, measures: { amount: { source: 'Nope', currency: 'ALL' } } } }, /model\.measures\.amount\.source "Nope" is not a field/],
      [{ ...base, mapping: { ...mapping, measures: { amount: { source: 'Value', currency: 'euros' } } } }, /currency must be an ISO 4217 code/],
      [{ ...base, mapping: { ...mapping, dimensions: { supplier: { attributes: { s: { source: 'Supplier' } }, primaryKey: 'missing' } } } }, /primaryKey "missing" is not an attribute/],
      [{ ...base, mapping: undefined }, /No fiscal model/],
    ];
    for (const [descriptor, message] of cases) expect(() => fiscalModelOf(descriptor), String(message)).toThrow(message);
  });
});
