/**
 * The fact tables and models Conductor writes, queried by the real engine
 * os-api uses: babbage 0.4.0 from PyPI (Python 3.9, test/babbage/), building
 * its cube exactly as os-api's cube manager does from the registry
 * document's `model`. Every demo package and one whose dimension is keyed by
 * (code, name) — codes repeat with different names — is loaded through the
 * gateway; then the default aggregate os-api's compatibility API calls,
 * every measure's sum, every dimension's members and drilldown, a cut and
 * the facts are compared with SQL over the fact table and with the CSV.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSearchClient } from '../../src/adapters/elasticsearch/client.ts';
import { packageIndexAlias } from '../../src/adapters/elasticsearch/package-index.ts';
import { factTableFor } from '../../src/core/packages/table-names.ts';
import { isBabbageError, runBabbage, type BabbageReport } from '../support/babbage.ts';
import { logIn, uniqueUser } from '../support/login.ts';
import { follow, sql, startLoad, uploadPackage } from '../support/packages.ts';
import { testStack } from '../setup/test-stack.ts';

const fixtures = join(import.meta.dirname, '..', 'fixtures');
const packages = [
  ...readdirSync(join(fixtures, 'fdp'), { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => join(fixtures, 'fdp', entry.name)),
  join(fixtures, 'fdp-1.0', 'eu-allocations'),
  join(fixtures, 'fdp-keys', 'code-and-name'),
];

type Model = Record<string, unknown> & {
  fact_table: string;
  measures: Record<string, { column: string }>;
  dimensions: Record<string, { key_attribute: string; attributes: Record<string, { column: string; datatype?: string; label: string }> }>;
};

function filesOf(folder: string): Record<string, Buffer> {
  const entries = readdirSync(folder, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
  return Object.fromEntries(entries.map((entry) => [relative(folder, join(entry.parentPath, entry.name)), readFileSync(join(entry.parentPath, entry.name))]));
}

/** Loads a package folder through the gateway; answers its dataset id and registry model. */
async function load(userToken: string, owner: string, folder: string): Promise<{ datasetId: string; model: Model; rows: number }> {
  const url = await uploadPackage(userToken, owner, `babbage-${randomBytes(3).toString('hex')}`, filesOf(folder));
  expect((await startLoad(userToken, url)).status).toBe(200);
  const { last } = await follow(url);
  expect(last, JSON.stringify(last)).toMatchObject({ status: 'done' });
  const datasetId = String(last.dataset_id);
  const es = createSearchClient({ url: testStack().elasticsearchUrl });
  const document = (await es.get<{ model: Model }>({ index: packageIndexAlias('conductor'), id: datasetId }))._source;
  await es.close();
  return { datasetId, model: document?.model as Model, rows: Number(last.progress) };
}

/** The stack's database URL as SQLAlchemy (and so babbage) takes it. */
const sqlalchemyUrl = () => testStack().databaseUrl.replace(/^postgres(ql)?:/, 'postgresql:');

const distinct = async (table: string, columns: string[]) =>
  Number((await sql<{ n: string }>(`select count(*) as n from (select distinct ${columns.map((column) => `"${column}"`).join(', ')} from "${table}") as d`))[0]?.n);

function ok<T>(value: T | { error: string }, what: string): T {
  if (isBabbageError(value)) throw new Error(`${what}: ${value.error}`);
  return value;
}

describe("os-api's engine (babbage 0.4.0) on Conductor's fact tables", () => {
  let userToken: string;
  let owner: string;
  const counts: string[] = [];
  beforeAll(async () => {
    const user = uniqueUser();
    userToken = await logIn('google', user);
    owner = createHash('md5').update(user.email).digest('hex');
  }, 180_000);

  it.each(packages.map((folder) => [relative(fixtures, folder), folder]))(
    '%s: the default aggregate, every measure, every dimension, a cut and the facts equal SQL',
    async (label, folder) => {
      const { datasetId, model, rows } = await load(userToken, owner, folder);
      expect(model.fact_table).toBe(factTableFor(datasetId));
      const table = model.fact_table;
      const firstDimension = Object.entries(model.dimensions)[0];
      const keyColumn = firstDimension ? firstDimension[1].attributes[firstDimension[1].key_attribute]?.column : undefined;
      const [someKey] = keyColumn ? await sql<{ value: string | null }>(`select "${keyColumn}"::text as value from "${table}" where "${keyColumn}" is not null limit 1`) : [];
      const cut = firstDimension && someKey?.value != null ? `${firstDimension[0]}.${firstDimension[1].key_attribute}:${JSON.stringify(someKey.value)}` : undefined;
      const report: BabbageReport = await runBabbage({ database_url: sqlalchemyUrl(), name: datasetId, model, checks: { ...(cut ? { cut } : {}), page_size: 5 } });

      expect(report.valid).toBe(true);
      // What os-api's compatibility API calls: no arguments, `_count` and every measure's sum.
      const summary = ok(report.aggregate_default, 'aggregate()').summary ?? {};
      expect(summary._count).toBe(rows);
      for (const [measure, { column }] of Object.entries(model.measures)) {
        const [expected] = await sql<{ total: string | null }>(`select sum("${column}")::float8 as total from "${table}"`);
        expect(Number(summary[`${measure}.sum`] ?? 0), `${measure}.sum`).toBeCloseTo(Number(expected?.total ?? 0), 2);
        expect(Number(ok(report.measures[measure]!, measure).summary?.[`${measure}.sum`] ?? 0)).toBeCloseTo(Number(expected?.total ?? 0), 2);
      }
      // Members are grouped by the key attribute; a drilldown by every attribute of the dimension.
      for (const [name, dimension] of Object.entries(model.dimensions)) {
        const checked = report.dimensions[name]!;
        const keyColumnOf = dimension.attributes[dimension.key_attribute]!.column;
        expect(ok(checked.members, `members(${name})`).total_member_count, `members(${name})`).toBe(await distinct(table, [keyColumnOf]));
        const allColumns = Object.values(dimension.attributes).map((attribute) => attribute.column);
        expect(ok(checked.drilldown, `drilldown(${name})`).total_cell_count, `drilldown(${name})`).toBe(await distinct(table, allColumns));
        for (const attribute of Object.values(dimension.attributes)) {
          // The field's Table Schema type, which os-api's compatibility API casts cut values with.
          expect(attribute.datatype, `${name} datatype`).toMatch(/^(string|integer|number|boolean|date|time|datetime|year|yearmonth|duration|any)$/);
          expect(attribute.label.length).toBeGreaterThanOrEqual(2);
        }
      }
      if (cut && keyColumn) {
        const [expected] = await sql<{ n: string }>(`select count(*) as n from "${table}" where "${keyColumn}"::text = $1`, [someKey?.value]);
        expect(ok(report.cut!, `cut ${cut}`).summary?._count, `cut ${cut}`).toBe(Number(expected?.n));
      }
      const facts = ok(report.facts, 'facts()');
      expect(facts.total_fact_count).toBe(rows);
      for (const measure of Object.keys(model.measures)) expect(facts.first_keys).toContain(measure);
      counts.push(`${label}: ${rows} facts, ${Object.keys(model.measures).length} measures, ${Object.keys(model.dimensions).length} dimensions (${Object.entries(report.dimensions).map(([name, checked]) => `${name} ${isBabbageError(checked.members) ? '?' : checked.members.total_member_count}`).join(', ')})`);
    },
    180_000,
  );

  it('keeps (code, name) identity where codes repeat: one dimension per key attribute, a hierarchy over them, labels from field titles', async () => {
    const folder = join(fixtures, 'fdp-keys', 'code-and-name');
    const { datasetId, model } = await load(userToken, owner, folder);
    const records = (parseCsv(readFileSync(join(folder, 'data', 'spending.csv')), { columns: true }) as Record<string, string>[]);
    const pairs = new Set(records.map((record) => `${record.func_code}|${record.func_name}`));
    const codes = new Set(records.map((record) => record.func_code));
    const names = new Set(records.map((record) => record.func_name));
    expect(pairs.size).toBeGreaterThan(codes.size);
    expect(model).toMatchObject({
      dimensions: {
        functional_classification_code: { key_attribute: 'code', label: 'Function code', attributes: { code: { column: 'c_func_code', label: 'Function code', datatype: 'string' } } },
        functional_classification_name: { key_attribute: 'name', label: 'Function', attributes: { name: { column: 'c_func_name', label: 'Function', datatype: 'string' } } },
        date: { key_attribute: 'year', attributes: { year: { datatype: 'integer', label: 'Fiscal year' } } },
      },
      hierarchies: { functional_classification: { levels: ['functional_classification_code', 'functional_classification_name'] } },
      measures: { amount: { label: 'Amount spent', currency: 'EUR' } },
    });
    const report = await runBabbage({
      database_url: sqlalchemyUrl(),
      name: datasetId,
      model,
      checks: { drilldown: 'functional_classification_code|functional_classification_name', cut: 'functional_classification_code.code:"01"' },
    });
    expect(ok(report.dimensions.functional_classification_code!.members, 'codes').total_member_count).toBe(codes.size);
    expect(ok(report.dimensions.functional_classification_name!.members, 'names').total_member_count).toBe(names.size);
    // Both levels together: every (code, name) pair, none merged.
    expect(ok(report.drilldown!, 'drilldown by code and name').total_cell_count).toBe(pairs.size);
    expect(ok(report.cut!, 'cut').summary?._count).toBe(records.filter((record) => record.func_code === '01').length);
    counts.push(`code-and-name: ${codes.size} codes, ${names.size} names, ${pairs.size} (code, name) members`);
    console.log(`babbage 0.4.0:\n  ${counts.join('\n  ')}`);
  }, 180_000);
});
