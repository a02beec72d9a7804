/** Applies pending database migrations: `node dist/src/cli/migrate.js` (npm start runs it). */
import { createOrm, migrate } from '../adapters/postgres/orm.js';
import { ConfigError, loadConfig } from '../config/index.js';

try {
  const { database } = loadConfig(['database']);
  const orm = await createOrm(database);
  const applied = await migrate(orm);
  await orm.close();
  process.stdout.write(applied.length ? `applied ${applied.join(', ')}\n` : 'database up to date\n');
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
}
