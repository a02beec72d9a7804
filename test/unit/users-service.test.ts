/** UserService's rules with an in-memory fake of its store port: linking, hooks, verified email, usernames. */
import { describe, expect, it } from 'vitest';
import { loadLifecycleHooks, loadPermissionProviders } from '../../src/adapters/extensions/load-extensions.ts';
import { idhashOf, UserService, usernameProblem } from '../../src/core/auth/users.service.ts';
import { createLogger } from '../../src/logger.ts';
import type { LifecycleHooks } from '../../src/ports/auth-extensions.ts';
import type { ProviderIdentity, SetUsernameOutcome, UserRecord, UserStore } from '../../src/ports/user-store.ts';

class MemoryUsers implements UserStore {
  readonly users = new Map<string, UserRecord>();
  readonly identities = new Map<string, string>();
  async findByIdentity(identity: ProviderIdentity) {
    const idhash = this.identities.get(`${identity.provider}:${identity.providerId}`);
    return idhash ? (this.users.get(idhash) ?? null) : null;
  }
  async findByIdhash(idhash: string) {
    return this.users.get(idhash) ?? null;
  }
  async createOrLink(user: UserRecord, identity: ProviderIdentity) {
    const created = !this.users.has(user.idhash);
    if (created) this.users.set(user.idhash, user);
    this.identities.set(`${identity.provider}:${identity.providerId}`, user.idhash);
    return { user: this.users.get(user.idhash) as UserRecord, created };
  }
  async setUsernameOnce(idhash: string, username: string): Promise<SetUsernameOutcome> {
    const user = this.users.get(idhash);
    if (!user) return 'unknown-user';
    if (user.username) return 'already-set';
    if ([...this.users.values()].some((other) => other.username === username)) return 'taken';
    user.username = username;
    return 'set';
  }
}

const profile = (overrides = {}) => ({ provider: 'google', providerId: '1', name: 'Ada', email: ' Ada@Example.org ', emailVerified: true, avatarUrl: 'https://a.example/1.png', ...overrides });

describe('UserService', () => {
  it('creates a user once, links a second provider by verified email, and runs the hooks in order', async () => {
    const events: string[] = [];
    const hooks: LifecycleHooks = {
      onNewUser: (user) => void events.push(`new ${user.idhash}`),
      onUserLogin: (user) => void events.push(`login ${user.idhash}`),
      onUserLogout: (user) => void events.push(`logout ${user.idhash}`),
    };
    const service = new UserService(new MemoryUsers(), [hooks], () => new Date('2026-01-01T00:00:00Z'));
    const first = await service.login(profile());
    expect(first).toMatchObject({ idhash: idhashOf('ada@example.org'), profileId: 'google:1', email: 'Ada@Example.org', joinDate: new Date('2026-01-01T00:00:00Z') });
    const again = await service.login(profile());
    const github = await service.login(profile({ provider: 'github', providerId: '99', email: 'ada@example.org' }));
    expect(again.idhash).toBe(first.idhash);
    expect(github.idhash).toBe(first.idhash);
    expect(github.profileId).toBe('google:1');
    await service.logout(first);
    const id = first.idhash;
    expect(events).toEqual([`new ${id}`, `login ${id}`, `login ${id}`, `login ${id}`, `logout ${id}`]);
  });

  it('refuses a login without a verified email, creating nothing', async () => {
    const store = new MemoryUsers();
    const service = new UserService(store, []);
    await expect(service.login(profile({ emailVerified: false }))).rejects.toMatchObject({ kind: 'permission-denied' });
    await expect(service.login(profile({ email: '' }))).rejects.toMatchObject({ kind: 'permission-denied' });
    expect(store.users.size).toBe(0);
  });

  it('sets a username once, refusing invalid and taken names', async () => {
    const store = new MemoryUsers();
    const service = new UserService(store, []);
    const ada = await service.login(profile());
    const bob = await service.login(profile({ providerId: '2', email: 'bob@example.org' }));
    expect(await service.setUsername(ada.idhash, 'ada')).toEqual({ success: true });
    expect(await service.setUsername(ada.idhash, 'ada2')).toEqual({ success: false, error: 'Cannot modify username, already set' });
    expect(await service.setUsername(bob.idhash, 'ada')).toEqual({ success: false, error: 'Username taken' });
    expect(await service.setUsername('0'.repeat(32), 'zed')).toEqual({ success: false, error: 'Unknown User' });
    expect(usernameProblem('ok_name-1')).toBeUndefined();
    for (const bad of ['ab', 'a'.repeat(41), '_lead', 'trail-', 'sp ace', 'dot.ted', 'ünï']) expect(usernameProblem(bad), bad).toMatch(/^Invalid username/);
  });
});

describe('auth extensions', () => {
  const context = { logger: createLogger('silent', 'test'), env: { CONDUCTOR_ADMINS: 'a'.repeat(32) } };

  it('loads the built-in permission provider and hooks by name', async () => {
    const providers = await loadPermissionProviders([{ service: 'os.admin', module: 'admins' }], context);
    expect(await providers.get('os.admin')?.getPermissions('os.admin', 'a'.repeat(32))).toEqual({ admin: true });
    expect(await providers.get('os.admin')?.getPermissions('os.admin', 'b'.repeat(32))).toBeUndefined();
    const [auditLog] = await loadLifecycleHooks(['audit-log'], context);
    expect(typeof auditLog?.onNewUser).toBe('function');
  });

  it('refuses a module that does not exist, naming it', async () => {
    await expect(loadLifecycleHooks(['./no/such/extension.js'], context)).rejects.toThrow(/extension/);
  });
});
