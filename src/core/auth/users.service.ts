import { createHash } from 'node:crypto';
import { CoreError } from '../errors.js';
import type { LifecycleHooks } from '../../ports/auth-extensions.js';
import type { UserRecord, UserStore } from '../../ports/user-store.js';

/** What an identity provider told us about the person logging in. */
export interface ProviderProfile {
  provider: string;
  providerId: string;
  name: string;
  email: string;
  emailVerified: boolean;
  avatarUrl: string;
}

/** md5 of the trimmed, lower-cased email: the user id in tokens and the owner prefix in storage. */
export function idhashOf(email: string): string {
  return createHash('md5').update(email.trim().toLowerCase()).digest('hex');
}

const usernamePattern = /^[a-z0-9](?:[a-z0-9_-]{1,38})[a-z0-9]$/i;

/** Why a username is not acceptable, or undefined when it is. */
export function usernameProblem(username: string): string | undefined {
  if (username.length < 3 || username.length > 40) return 'Invalid username: 3 to 40 characters';
  if (!usernamePattern.test(username)) return 'Invalid username: letters, digits, - and _ only, starting and ending with a letter or digit';
  return undefined;
}

/** Users: login by provider identity (linked by verified email), profile, username. */
export class UserService {
  constructor(
    private readonly store: UserStore,
    private readonly hooks: LifecycleHooks[],
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Finds or creates the user of a provider login; refuses an unverified email (identity rests on it). */
  async login(profile: ProviderProfile): Promise<UserRecord> {
    if (!profile.email || !profile.emailVerified) {
      throw new CoreError('permission-denied', `The ${profile.provider} account has no verified email address`);
    }
    const identity = { provider: profile.provider, providerId: profile.providerId };
    const existing = await this.store.findByIdentity(identity);
    if (existing) {
      await this.run('onUserLogin', existing);
      return existing;
    }
    const { user, created } = await this.store.createOrLink(
      {
        idhash: idhashOf(profile.email),
        profileId: `${profile.provider}:${profile.providerId}`,
        name: profile.name || profile.email,
        email: profile.email.trim(),
        avatarUrl: profile.avatarUrl,
        username: null,
        joinDate: this.now(),
      },
      identity,
    );
    if (created) await this.run('onNewUser', user);
    await this.run('onUserLogin', user);
    return user;
  }

  find(idhash: string): Promise<UserRecord | null> {
    return this.store.findByIdhash(idhash);
  }

  /** Sets the username once; the answer uses the reference's words where it had them. */
  async setUsername(idhash: string, username: string): Promise<{ success: boolean; error?: string }> {
    const problem = usernameProblem(username);
    if (problem) return { success: false, error: problem };
    const outcome = await this.store.setUsernameOnce(idhash, username);
    switch (outcome) {
      case 'set':
        return { success: true };
      case 'already-set':
        return { success: false, error: 'Cannot modify username, already set' };
      case 'taken':
        return { success: false, error: 'Username taken' };
      case 'unknown-user':
        return { success: false, error: 'Unknown User' };
    }
  }

  async logout(user: UserRecord): Promise<void> {
    await this.run('onUserLogout', user);
  }

  private async run(hook: keyof LifecycleHooks, user: UserRecord): Promise<void> {
    for (const extension of this.hooks) await extension[hook]?.(user);
  }
}
