/**
 * Revocations mirrored in memory across server processes (two mirrors on one
 * real PostgreSQL stand for two processes): what one revokes the other
 * refuses, a lost listening connection falls back to the table and comes back.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrm, migrate, type Orm } from '../../src/adapters/postgres/orm.ts';
import { RevocationRepository } from '../../src/adapters/postgres/repositories/revocation.repository.ts';
import { ChangeNotifications } from '../../src/adapters/postgres/change-notifications.ts';
import { RevocationMirror } from '../../src/adapters/postgres/revocation-mirror.ts';
import { createLogger } from '../../src/logger.ts';
import { createTestDatabase } from '../setup/databases.ts';

const inAnHour = () => new Date(Date.now() + 3_600_000);

describe('RevocationMirror', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let orm: Orm;
  const listeners: ChangeNotifications[] = [];
  /** A mirror as one server process has it, with its own listening connection. */
  const mirror = async () => {
    const notifications = new ChangeNotifications(database.url, createLogger('silent', 'test'));
    const started = new RevocationMirror(new RevocationRepository(orm), notifications);
    await notifications.start();
    listeners.push(notifications);
    return started;
  };

  beforeAll(async () => {
    database = await createTestDatabase('revocations');
    orm = await createOrm({ url: database.url, poolMax: 4 });
    await migrate(orm);
  });
  afterAll(async () => {
    await Promise.all(listeners.map((listener) => listener.stop()));
    await orm?.close();
    await database?.drop();
  });

  it('loads the revocations made before it started', async () => {
    await new RevocationRepository(orm).revoke('before-start', inAnHour());
    expect(await (await mirror()).isRevoked('before-start')).toBe(true);
  });

  it('refuses a revoked token at once in the revoking process, and in the other when the notification arrives', async () => {
    const [a, b] = [await mirror(), await mirror()];
    expect(await b.isRevoked('logged-out')).toBe(false);
    await a.revoke('logged-out', inAnHour());
    expect(await a.isRevoked('logged-out')).toBe(true);
    await expect.poll(() => b.isRevoked('logged-out'), { timeout: 5000, interval: 20 }).toBe(true);
    expect(await b.isRevoked('still-valid')).toBe(false);
  });

  it('asks the table while its listener is down, and listens again', async () => {
    const [a, b] = [await mirror(), await mirror()];
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      // Cut every listening connection of this database (both mirrors').
      await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'conductor-notifications' and datname = current_database()");
      // b learns of the loss when its connection reports it, a few milliseconds later (and retries after a second).
      const bListener = listeners.at(-1);
      await expect.poll(() => bListener?.listening, { timeout: 900, interval: 5 }).toBe(false);
      await new RevocationRepository(orm).revoke('while-down', inAnHour());
      expect(await b.isRevoked('while-down')).toBe(true);
      // Back (after a second) and answering from memory again: a row written behind its back
      // (not announced) after it reloaded is not seen. Each try writes a new row, since one
      // written before the reload is (rightly) loaded.
      let tries = 0;
      await expect
        .poll(async () => {
          tries += 1;
          await new RevocationRepository(orm).revoke(`not-announced-${tries}`, inAnHour());
          return !(await b.isRevoked(`not-announced-${tries}`));
        }, { timeout: 5000, interval: 20 })
        .toBe(true);
      // And listening: a new revocation reaches the other mirror.
      await a.revoke('after-return', inAnHour());
      await expect.poll(() => b.isRevoked('after-return'), { timeout: 5000, interval: 20 }).toBe(true);
    } finally {
      await admin.end();
    }
  });
});
