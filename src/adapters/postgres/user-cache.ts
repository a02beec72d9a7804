import { LRUCache } from 'lru-cache';
import type { ProviderIdentity, SetUsernameOutcome, UserRecord, UserStore } from '../../ports/user-store.js';
import type { ChangeNotifications } from './change-notifications.js';

/** The channel a change to a user record is announced on; its payload is the idhash. */
const channel = 'conductor_users';

/**
 * Users found by idhash, remembered per server process: a user-token call
 * (`/user/check`, `/user/authorize`, …) reads the caller's record, and after
 * the token cache and the revocation mirror that read was the one database
 * round trip left on the path (see bench:gateway).
 *
 * A user record changes in one way only, through this store: a username is
 * set (once). The process that set it forgets its copy at once and
 * announces the change to the others (ChangeNotifications), which forget
 * theirs when it reaches them (milliseconds). A record is not kept while the listener is down, nor when a
 * change was heard while it was being read (it might be older than the
 * change). Entries also leave after `ttlMs`, so an edit made in the database
 * by hand shows within that time. Misses are not remembered (a first login
 * creates the user).
 */
export class CachedUserStore implements UserStore {
  private readonly users: LRUCache<string, Readonly<UserRecord>>;
  /** Bumped by every change heard and every lost connection: a read begun before it is not kept. */
  private generation = 0;

  constructor(
    private readonly store: UserStore,
    private readonly notifications: ChangeNotifications,
    { maxEntries = 10_000, ttlMs = 60_000 } = {},
  ) {
    this.users = new LRUCache({ max: maxEntries, ttl: ttlMs });
    notifications.subscribe(channel, {
      // Nothing is kept while not listening, so there is nothing to reload.
      reload: async () => this.forgetAll(),
      changed: (idhash) => {
        this.generation += 1;
        this.users.delete(idhash);
      },
      lost: () => this.forgetAll(),
    });
  }

  findByIdentity(identity: ProviderIdentity): Promise<UserRecord | null> {
    return this.store.findByIdentity(identity);
  }

  async findByIdhash(idhash: string): Promise<UserRecord | null> {
    if (!this.notifications.listening) return this.store.findByIdhash(idhash);
    const known = this.users.get(idhash);
    if (known) return known;
    const generation = this.generation;
    const user = await this.store.findByIdhash(idhash);
    if (user && generation === this.generation && this.notifications.listening) this.users.set(idhash, Object.freeze(user));
    return user;
  }

  /** Linking an identity changes nothing a reader of the record sees, and misses are not kept: nothing to announce. */
  createOrLink(user: UserRecord, identity: ProviderIdentity): Promise<{ user: UserRecord; created: boolean }> {
    return this.store.createOrLink(user, identity);
  }

  async setUsernameOnce(idhash: string, username: string): Promise<SetUsernameOutcome> {
    const outcome = await this.store.setUsernameOnce(idhash, username);
    if (outcome === 'set') {
      this.generation += 1;
      this.users.delete(idhash);
      await this.notifications.announce(channel, idhash);
    }
    return outcome;
  }

  private forgetAll(): void {
    this.generation += 1;
    this.users.clear();
  }
}
