/**
 * Every real Fiscal Data Package of the demos (FDP 0.3 `mapping`), and one
 * written in FDP 1.0 style (`columnType`, a resource in two files), loaded
 * end to end through Envoy: the rows in PostgreSQL equal the CSV's records,
 * counted and summed by another CSV parser.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSearchClient } from '../../src/adapters/elasticsearch/client.ts';
import { packageIndexAlias } from '../../src/adapters/elasticsearch/package-index.ts';
import { columnsFor } from '../../src/core/packages/column-names.ts';
import { factTableFor } from '../../src/core/packages/table-names.ts';
import { logIn, uniqueUser } from '../support/login.ts';
import { countRows, follow, sql, startLoad, uploadPackage } from '../support/packages.ts';
import { testStack } from '../setup/test-stack.ts';

const fixtures = join(import.meta.dirname, '..', 'fixtures');
const packages = [
  ...readdirSync(join(fixtures, 'fdp'), { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => join(fixtures, 'fdp', entry.name)),
  join(fixtures, 'fdp-1.0', 'eu-allocations'),
];

/** Every file of a package folder, by its path relative to the folder. */
function filesOf(folder: string): Record<string, Buffer> {
  const entries = readdirSync(folder, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
  return Object.fromEntries(entries.map((entry) => [relative(folder, join(entry.parentPath, entry.name)), readFileSync(join(entry.parentPath, entry.name))]));
}

interface Resource {
  path: string | string[];
  dialect?: { delimiter?: string };
  schema: { fields: { name: string; type: string }[] };
}

/** The resource's records as another parser (csv-parse) reads them, header dropped; a resource in several files is their concatenation. */
function recordsOf(folder: string, resource: Resource): string[][] {
  const paths = Array.isArray(resource.path) ? resource.path : [resource.path];
  const text = paths.map((path) => readFileSync(join(folder, path), 'utf8').replace(/^\uFEFF/, '').replace(/(?<![\r\n])$/, '\n')).join('');
  // The Macedonian package names no delimiter and uses semicolons.
  const firstLine = text.slice(0, text.indexOf('\n'));
  const delimiter = resource.dialect?.delimiter ?? (firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',');
  return (parseCsv(text, { skip_empty_lines: true, delimiter }) as string[][]).slice(1);
}

describe('loading the demo Fiscal Data Packages', () => {
  let userToken: string;
  let owner: string;
  beforeAll(async () => {
    const user = uniqueUser();
    userToken = await logIn('google', user);
    owner = createHash('md5').update(user.email).digest('hex');
  });

  it.each(packages.map((folder) => [relative(fixtures, folder), folder]))('%s: done, rows and measure totals equal the CSV', async (_label, folder) => {
    const descriptor = JSON.parse(readFileSync(join(folder, 'datapackage.json'), 'utf8')) as { resources: Resource[]; mapping?: unknown };
    const name = `demo-${randomBytes(3).toString('hex')}`;
    const url = await uploadPackage(userToken, owner, name, filesOf(folder));
    expect((await startLoad(userToken, url)).status).toBe(200);
    const { last } = await follow(url);
    const records = descriptor.resources.map((resource) => recordsOf(folder, resource));
    const total = records.reduce((sum, rows) => sum + rows.length, 0);
    expect(last, JSON.stringify(last)).toMatchObject({ status: 'done', progress: total });
    const datasetId = String(last.dataset_id);

    const es = createSearchClient({ url: testStack().elasticsearchUrl });
    const document = (await es.get<{ model: { fact_table: string; measures: Record<string, { column: string; currency?: string }> } }>({ index: packageIndexAlias('conductor'), id: datasetId }))._source;
    await es.close();
    const table = factTableFor(datasetId);
    expect(document?.model.fact_table).toBe(table);
    // Every resource's rows are in the one fact table, numbered by `_id` in resource order.
    expect(await countRows(table)).toBe(total);
    // Cells that are not numbers ("nfp", empty) are loaded as null, which sum() skips.
    const numberIn = (text = '') => Number(/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(text.trim()) ? text.replaceAll(',', '') : text);
    for (const measure of Object.values(document?.model.measures ?? {})) {
      const [row] = await sql<{ total: string | null }>(`select sum("${measure.column}")::text as total from "${table}"`);
      // Each resource's records summed by their own schema's column order.
      const fromFile = descriptor.resources.reduce((sum, resource, index) => {
        const field = columnsFor(resource.schema.fields).findIndex((column) => column.column === measure.column);
        return sum + (records[index] ?? []).reduce((subtotal, record) => subtotal + (Number.isFinite(numberIn(record[field])) ? numberIn(record[field]) : 0), 0);
      }, 0);
      expect(Number(row?.total ?? 0), `${measure.column} total`).toBeCloseTo(fromFile, 0);
    }
  });

  it('loads a windows-1252 package with `40,800,000`-style amounts (groupChar) to the exact cent, names decoded', async () => {
    const folder = join(fixtures, 'fdp-keys', 'windows-1252-grouped');
    const url = await uploadPackage(userToken, owner, `cp1252-${randomBytes(3).toString('hex')}`, filesOf(folder));
    await startLoad(userToken, url);
    const { last } = await follow(url);
    expect(last).toMatchObject({ status: 'done', progress: 200 });
    const table = factTableFor(String(last.dataset_id));
    const text = new TextDecoder('windows-1252').decode(readFileSync(join(folder, 'data', 'presupuesto.csv')));
    const amounts = text.trim().split('\r\n').slice(1).map((line) => line.split(';')[3]!.replaceAll('"', '').replaceAll(',', ''));
    // Cents as integers, so the expected total is exact.
    const cents = amounts.reduce((sum, amount) => sum + BigInt(Math.round(Number(amount) * 100)), 0n);
    const [loaded] = await sql<{ total: string; max: string }>(`select (sum(c_importe) * 100)::bigint::text as total, max(c_importe)::text as max from "${table}"`);
    expect(loaded?.total).toBe(cents.toString());
    expect(await sql(`select count(*)::int as n from "${table}" where c_importe = 40800000 and c_regi_n = 'País Vasco'`)).toEqual([{ n: 1 }]);
    expect(await sql(`select distinct c_regi_n as region from "${table}" where c_regi_n like 'Cata%'`)).toEqual([{ region: 'Cataluña' }]);
  });

  it('reads the FDP 1.0 model: value columns are measures with their currency, columnType groups the others into dimensions', async () => {
    const folder = join(fixtures, 'fdp-1.0', 'eu-allocations');
    const url = await uploadPackage(userToken, owner, `fdp1-${randomBytes(3).toString('hex')}`, filesOf(folder));
    await startLoad(userToken, url);
    const { last } = await follow(url);
    expect(last).toMatchObject({ status: 'done', progress: 252 });
    const es = createSearchClient({ url: testStack().elasticsearchUrl });
    const document = (await es.get<{ model: Record<string, unknown> }>({ index: packageIndexAlias('conductor'), id: String(last.dataset_id) }))._source;
    await es.close();
    expect(document?.model).toMatchObject({
      measures: { amount: { column: 'c_amount', currency: 'EUR' } },
      // Names as babbage's model schema takes them (identifiers); the descriptor's own names are kept in orig_*.
      dimensions: {
        administrative_classification: { orig_dimension: 'administrative-classification', attributes: { country_id: { column: 'c_country_id', orig_attribute: 'country-id' } } },
        functional_classification: { attributes: { fund: { column: 'c_fund' } } },
      },
    });
  });
});
