/**
 * Applies pending database migrations, then the data migrations that need
 * the registry as well: `node dist/src/cli/migrate.js` (npm start runs it,
 * before any server or worker starts).
 */
import { migrateDatasetIds } from '../adapters/data-migrations/dataset-ids.js';
import { migrateFactTables } from '../adapters/data-migrations/fact-tables.js';
import { createSearchClient } from '../adapters/elasticsearch/client.js';
import { ensurePackageIndex } from '../adapters/elasticsearch/package-index.js';
import { createOrm, migrate } from '../adapters/postgres/orm.js';
import { ConfigError, loadConfig } from '../config/index.js';

try {
  const { database, search: searchConfig } = loadConfig(['database', 'search']);
  const orm = await createOrm(database);
  const search = createSearchClient(searchConfig);
  try {
    const applied = await migrate(orm);
    process.stdout.write(applied.length ? `applied ${applied.join(', ')}\n` : 'database up to date\n');
    await ensurePackageIndex(search, searchConfig.indexPrefix);
    const datasets = await migrateDatasetIds(orm, search, searchConfig.indexPrefix);
    for (const { from, to } of datasets.renamed) process.stdout.write(`dataset ${from} is now ${to} (the old id stays an alias)\n`);
    for (const { id, reason } of datasets.postponed) process.stdout.write(`dataset ${id} keeps its id until the next start: ${reason}\n`);
    const factTables = await migrateFactTables(orm, search, searchConfig.indexPrefix);
    for (const id of factTables.migrated) process.stdout.write(`dataset ${id} has one fact table with an _id key now, and a model babbage reads\n`);
    for (const { id, reason } of factTables.postponed) process.stdout.write(`dataset ${id} keeps its tables until the next start: ${reason}\n`);
  } finally {
    await orm.close();
    await search.close();
  }
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
}
