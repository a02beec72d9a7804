/** Planning a load from a descriptor: where each resource's files are, how they are written, how fields are read. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planLoad } from '../../src/core/packages/load-plan.ts';

const descriptor = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'fdp', 'al-treasury-spending', 'datapackage.json'), 'utf8')) as Record<string, unknown>;
const policy = { datastoreBase: 'http://s3.example.test/bucket', allowedHosts: ['data.example.org'] };
const source = { kind: 'datastore' as const, key: 'owner/pkg/datapackage.json' };
const withResource = (changes: Record<string, unknown>) => ({ ...descriptor, resources: [{ ...(descriptor.resources as object[])[0], ...changes }] });

describe('planLoad', () => {
  it('places files next to the descriptor, loads the measure as numeric, keeps the other integers', () => {
    const [resource] = planLoad(descriptor, source, policy, 'owner').resources;
    expect(resource?.sources).toEqual([{ kind: 'datastore', key: 'owner/pkg/data/treasury.csv' }]);
    expect(resource?.fields.find((field) => field.name === 'Value')?.type).toBe('number');
    expect(resource?.fields.find((field) => field.name === 'Receipt No')?.type).toBe('integer');
    expect(resource?.dialect).toEqual({ quoteChar: '"', escapeChar: '"', header: true, skipInitialSpace: false, encoding: 'utf-8' });
  });

  it('holds resource URLs to the descriptor rules: the datastore, or an allowed host', () => {
    const plan = (path: unknown) => planLoad(withResource({ path }), source, policy, 'owner').resources[0]?.sources;
    expect(plan(['http://s3.example.test/bucket/owner/pkg/a.csv', 'https://data.example.org/b.csv'])).toEqual([
      { kind: 'datastore', key: 'owner/pkg/a.csv' },
      { kind: 'web', url: 'https://data.example.org/b.csv' },
    ]);
    expect(() => plan('http://169.254.169.254/latest/meta-data')).toThrow(/resources\[0\]\.path: host not allowed: 169\.254\.169\.254/);
    expect(() => plan('http://s3.example.test/bucket/owner/pkg/../../other/x.csv')).toThrow(/resources\[0\]\.path/);
  });

  it("refuses files in another user's datastore folder, however they are written", () => {
    const plan = (path: unknown) => planLoad(withResource({ path }), source, policy, 'owner').resources[0]?.sources;
    expect(() => plan('http://s3.example.test/bucket/bob/private/data.csv')).toThrow(/resources\[0\]\.path: the file is not in the owner's datastore folder/);
    expect(() => plan('../../bob/private/data.csv')).toThrow(/resources\[0\]\.path.*must not contain \. or \.\. segments/);
    expect(() => plan('//s3.example.test/bucket/bob/private/data.csv')).toThrow(/resources\[0\]\.path/);
    expect(() => plan('file:///etc/passwd')).toThrow(/resources\[0\]\.path/);
    // From a descriptor on an allowed web host, relative paths cannot reach other hosts or the datastore of others.
    const web = { kind: 'web' as const, url: 'https://data.example.org/pkg/datapackage.json' };
    const fromWeb = (path: string) => planLoad(withResource({ path }), web, policy, 'owner').resources[0]?.sources;
    expect(fromWeb('data/a.csv')).toEqual([{ kind: 'web', url: 'https://data.example.org/pkg/data/a.csv' }]);
    expect(() => fromWeb('//169.254.169.254/latest')).toThrow(/resources\[0\]\.path/);
    expect(() => fromWeb('http://s3.example.test/bucket/bob/private/data.csv')).toThrow(/not in the owner's datastore folder/);
  });

  it('refuses what it cannot load, naming where', () => {
    expect(() => planLoad(withResource({ format: 'xlsx' }), source, policy, 'owner')).toThrow(/resources\[0\]\.format "xlsx": only CSV/);
    expect(() => planLoad(withResource({ dialect: { delimiter: 'ab' } }), source, policy, 'owner')).toThrow(/resources\[0\]\.dialect\.delimiter must be a single character/);
    expect(() => planLoad(withResource({ encoding: 'nope' }), source, policy, 'owner')).toThrow(/resources\[0\]\.encoding "nope" is not a known character encoding/);
    const badFormat = withResource({ schema: { fields: [{ name: 'Value', type: 'date', format: '%Q' }] } });
    expect(() => planLoad(badFormat, source, policy, 'owner')).toThrow(/schema\.fields\[0\]\.format "%Q": %Q is not supported/);
  });
});
