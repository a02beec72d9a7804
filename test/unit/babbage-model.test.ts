import { describe, expect, it } from 'vitest';
import { babbageModelOf } from '../../src/core/packages/babbage-model.ts';
import type { FiscalModel } from '../../src/core/packages/fiscal-model.ts';

const fields = [
  { name: 'Func Code', type: 'string', title: 'Function code' },
  { name: 'func_name', type: 'string' },
  { name: 'func_note', type: 'string' },
  { name: 'year', type: 'integer', title: 'Fiscal year' },
  { name: 'amount', type: 'number', title: 'Amount spent' },
];

const model: FiscalModel = {
  style: 'fdp-0.3',
  measures: [{ name: 'amount-spent', source: 'amount', currency: 'EUR' }],
  dimensions: [
    {
      name: 'functional-classification',
      attributes: [
        { name: 'code', source: 'Func Code' },
        { name: 'name', source: 'func_name' },
        { name: 'note', source: 'func_note' },
      ],
      primaryKey: ['code', 'name'],
    },
    { name: '2', dimensionType: 'datetime', attributes: [{ name: 'y', source: 'year' }], primaryKey: ['y'] },
  ],
};

describe('babbageModelOf', () => {
  it('splits a dimension keyed by several attributes into one dimension per key, grouped in a hierarchy, as babbage-fiscal did', () => {
    const babbage = babbageModelOf(model, 'fdp_x_facts', fields);
    expect(babbage.dimensions).toMatchObject({
      functional_classification_code: { key_attribute: 'code', label_attribute: 'code', label: 'Function code', attributes: { code: { column: 'c_func_code', datatype: 'string', label: 'Function code' } } },
      // Attributes that are neither keys nor labels go with the last key's dimension.
      functional_classification_name: { key_attribute: 'name', attributes: { name: { column: 'c_func_name', label: 'name' }, note: { column: 'c_func_note' } } },
    });
    expect(babbage.hierarchies).toMatchObject({ functional_classification: { levels: ['functional_classification_code', 'functional_classification_name'] } });
  });

  it('gives babbage-valid names (identifiers of two or more characters), keeps the descriptor names in orig_*, labels from titles, datatype from the field type', () => {
    const babbage = babbageModelOf(model, 'fdp_x_facts', fields);
    expect(babbage.fact_table).toBe('fdp_x_facts');
    expect(babbage.measures).toEqual({ amount_spent: { column: 'c_amount', label: 'Amount spent', orig_measure: 'amount-spent', currency: 'EUR' } });
    expect(babbage.dimensions).toMatchObject({ f_2: { orig_dimension: '2', key_attribute: 'y1', attributes: { y1: { column: 'c_year', datatype: 'integer', label: 'Fiscal year', orig_attribute: 'y' } } } });
    const names = [babbage.measures, babbage.dimensions, babbage.hierarchies].flatMap((group) => Object.keys(group as object));
    for (const name of names) expect(name).toMatch(/^[a-zA-Z][a-zA-Z0-9_]*[a-zA-Z0-9]$/);
  });
});
