/**
 * Example life-cycle extension (DataHQ's INSTALLED_EXTENSIONS): writes one
 * structured log line per new user, login and logout. Enable with
 * CONDUCTOR_AUTH_EXTENSIONS="audit-log".
 */
import type { LifecycleHooks } from '../ports/auth-extensions.js';
import type { ExtensionContext } from './extension-context.js';

export default function createAuditLog(context: ExtensionContext): LifecycleHooks {
  const log = (event: string) => (user: { idhash: string; profileId: string }) => {
    context.logger.info({ audit: event, userid: user.idhash, identity: user.profileId }, `auth ${event}`);
  };
  return { onNewUser: log('new-user'), onUserLogin: log('login'), onUserLogout: log('logout') };
}
