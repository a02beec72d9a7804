import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { createSearchClient, type SearchClient } from '../../src/adapters/elasticsearch/client.ts';
import { ensurePackageIndex, packageIndexAlias } from '../../src/adapters/elasticsearch/package-index.ts';
import { createOrm, migrate, type Orm } from '../../src/adapters/postgres/orm.ts';
import { createTestDatabase } from '../setup/databases.ts';
import { testStack } from '../setup/test-stack.ts';

/** What a data migration test works on: a migrated database and a registry index of its own. */
export interface MigrationBed {
  orm: Orm;
  search: SearchClient;
  /** The registry's index prefix, as ELASTICSEARCH_INDEX_PREFIX. */
  prefix: string;
  /** The registry's alias. */
  index: string;
}

/** Sets up (beforeAll) and removes (afterAll) a database and registry index for one test file's data migrations. */
export function migrationBed(label: string): MigrationBed {
  const prefix = `${label}-${randomBytes(4).toString('hex')}`;
  const bed = { prefix, index: packageIndexAlias(prefix) } as MigrationBed;
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(label);
    bed.orm = await createOrm({ url: database.url, poolMax: 2 });
    await migrate(bed.orm);
    bed.search = createSearchClient({ url: testStack().elasticsearchUrl });
    await ensurePackageIndex(bed.search, prefix);
  });
  afterAll(async () => {
    await bed.search?.indices.delete({ index: `${prefix}-*` }, { ignore: [404] });
    await bed.search?.close();
    await bed.orm?.close();
    await database?.drop();
  });
  return bed;
}
