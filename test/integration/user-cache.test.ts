/**
 * User records remembered per server process (two caches on one real
 * PostgreSQL stand for two processes): a username set through one is seen by
 * it at once and by the other within a second; an edit made by hand shows after
 * the entry's lifetime; while the listener is down every read asks the table.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeNotifications } from '../../src/adapters/postgres/change-notifications.ts';
import { createOrm, migrate, type Orm } from '../../src/adapters/postgres/orm.ts';
import { UserRepository } from '../../src/adapters/postgres/repositories/user.repository.ts';
import { CachedUserStore } from '../../src/adapters/postgres/user-cache.ts';
import { createLogger } from '../../src/logger.ts';
import type { UserRecord } from '../../src/ports/user-store.ts';
import { createTestDatabase } from '../setup/databases.ts';

let serial = 0;
function newUser(): UserRecord {
  serial += 1;
  const idhash = `${String(serial).padStart(4, '0')}${'c'.repeat(28)}`;
  return { idhash, profileId: `google:${idhash}`, name: `User ${serial}`, email: `user${serial}@example.test`, avatarUrl: '', username: null, joinDate: new Date() };
}

describe('CachedUserStore', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let orm: Orm;
  let admin: pg.Client;
  const listeners: ChangeNotifications[] = [];
  /** A user store as one server process has it, with its own listening connection. */
  const processStore = async (ttlMs = 60_000) => {
    const notifications = new ChangeNotifications(database.url, createLogger('silent', 'test'));
    const store = new CachedUserStore(new UserRepository(orm), notifications, { ttlMs });
    await notifications.start();
    listeners.push(notifications);
    return store;
  };
  const created = async (store: CachedUserStore) => {
    const user = newUser();
    await store.createOrLink(user, { provider: 'google', providerId: user.idhash });
    return user;
  };
  /** Changes a name in the table behind every cache's back (as an operator's SQL would). */
  const renameByHand = (idhash: string, name: string) => admin.query('update users set name = $2 where idhash = $1', [idhash, name]);

  beforeAll(async () => {
    database = await createTestDatabase('user_cache');
    orm = await createOrm({ url: database.url, poolMax: 4 });
    await migrate(orm);
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
  });
  afterAll(async () => {
    await Promise.all(listeners.map((listener) => listener.stop()));
    await admin?.end();
    await orm?.close();
    await database?.drop();
  });

  it('answers a second read from memory, and from the table again once the entry has lived its time', async () => {
    const store = await processStore(300);
    const user = await created(store);
    expect((await store.findByIdhash(user.idhash))?.name).toBe(user.name);
    await renameByHand(user.idhash, 'Renamed by hand');
    expect((await store.findByIdhash(user.idhash))?.name).toBe(user.name);
    await expect.poll(async () => (await store.findByIdhash(user.idhash))?.name, { timeout: 5000, interval: 20 }).toBe('Renamed by hand');
  });

  it('does not remember a user that does not exist (a first login creates it)', async () => {
    const store = await processStore();
    const user = newUser();
    expect(await store.findByIdhash(user.idhash)).toBeNull();
    await store.createOrLink(user, { provider: 'google', providerId: user.idhash });
    expect((await store.findByIdhash(user.idhash))?.email).toBe(user.email);
  });

  it('shows a username set at once in the process that set it, and in another as soon as the notification reaches it', async () => {
    const [a, b] = [await processStore(), await processStore()];
    const user = await created(a);
    expect((await b.findByIdhash(user.idhash))?.username).toBeNull();
    expect((await a.findByIdhash(user.idhash))?.username).toBeNull();
    expect(await a.setUsernameOnce(user.idhash, `name-${serial}`)).toBe('set');
    expect((await a.findByIdhash(user.idhash))?.username).toBe(`name-${serial}`);
    await expect.poll(async () => (await b.findByIdhash(user.idhash))?.username, { timeout: 1000, interval: 20 }).toBe(`name-${serial}`);
    expect(await b.setUsernameOnce(user.idhash, 'another-name')).toBe('already-set');
  });

  it('reads the table while its listener is down, and remembers again once it is back', async () => {
    const store = await processStore();
    const user = await created(store);
    await store.findByIdhash(user.idhash);
    await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'conductor-notifications' and datname = current_database()");
    await renameByHand(user.idhash, 'Renamed while down');
    // Whatever it held is dropped with the connection: the hand edit shows at once.
    await expect.poll(async () => (await store.findByIdhash(user.idhash))?.name, { timeout: 5000, interval: 20 }).toBe('Renamed while down');
    // Back (after a second): remembering again, so the next hand edit is not seen.
    let tries = 0;
    await expect
      .poll(async () => {
        tries += 1;
        await store.findByIdhash(user.idhash);
        await renameByHand(user.idhash, `Hand edit ${tries}`);
        return (await store.findByIdhash(user.idhash))?.name !== `Hand edit ${tries}`;
      }, { timeout: 5000, interval: 20 })
      .toBe(true);
  });
});
