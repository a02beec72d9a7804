/**
 * Example permission provider (DataHQ's ALLOWED_SERVICES): the users listed in
 * CONDUCTOR_ADMINS (comma-separated idhashes) get `{"admin": true}` in every
 * service this provider is registered for, e.g.
 * CONDUCTOR_PERMISSION_PROVIDERS="os.admin:admins".
 */
import type { PermissionProvider } from '../ports/auth-extensions.js';
import type { ExtensionContext } from './extension-context.js';

export default function createAdminsProvider(context: ExtensionContext): PermissionProvider {
  const admins = new Set((context.env.CONDUCTOR_ADMINS ?? '').split(',').map((id) => id.trim()).filter(Boolean));
  return {
    getPermissions: (_service, userid) => (admins.has(userid) ? { admin: true } : undefined),
  };
}
