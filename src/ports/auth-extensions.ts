import type { Permissions } from './permission-store.js';
import type { UserRecord } from './user-store.js';

/**
 * A permission provider (DataHQ's ALLOWED_SERVICES): answers for the
 * services it is registered under, on top of the stored rows.
 */
export interface PermissionProvider {
  getPermissions(service: string, userid: string): Promise<Permissions | undefined> | Permissions | undefined;
}

/** Life-cycle hooks (DataHQ's INSTALLED_EXTENSIONS); each is optional. */
export interface LifecycleHooks {
  onNewUser?(user: UserRecord): Promise<void> | void;
  onUserLogin?(user: UserRecord): Promise<void> | void;
  onUserLogout?(user: UserRecord): Promise<void> | void;
}
