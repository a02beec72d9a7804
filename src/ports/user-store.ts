/** A user as core sees it. */
export interface UserRecord {
  idhash: string;
  profileId: string;
  name: string;
  email: string;
  avatarUrl: string;
  username: string | null;
  joinDate: Date;
}

/** A provider account, e.g. google + its user id. */
export interface ProviderIdentity {
  provider: string;
  providerId: string;
}

/** Outcome of setting a username, which is allowed once. */
export type SetUsernameOutcome = 'set' | 'already-set' | 'taken' | 'unknown-user';

/** Users and their linked provider identities (PostgreSQL). */
export interface UserStore {
  findByIdentity(identity: ProviderIdentity): Promise<UserRecord | null>;
  findByIdhash(idhash: string): Promise<UserRecord | null>;
  /** Creates the user with its first identity, or links the identity when a user with that idhash exists; returns the user and whether it is new. */
  createOrLink(user: UserRecord, identity: ProviderIdentity): Promise<{ user: UserRecord; created: boolean }>;
  /** Sets the username only if none is set and nobody else has it, atomically. */
  setUsernameOnce(idhash: string, username: string): Promise<SetUsernameOutcome>;
}
