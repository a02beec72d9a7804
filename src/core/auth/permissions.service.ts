import { CoreError } from '../errors.js';
import type { PermissionProvider } from '../../ports/auth-extensions.js';
import type { Permissions, PermissionStore } from '../../ports/permission-store.js';

const useridPattern = /^(\*|[0-9a-f]{32})$/;
const servicePattern = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Who may do what in which service: stored rows (`*` then the user's), then any provider registered for the service. */
export class PermissionService {
  constructor(
    private readonly store: PermissionStore,
    private readonly providers: ReadonlyMap<string, PermissionProvider>,
  ) {}

  async permissionsFor(userid: string, service: string): Promise<Permissions> {
    if (!servicePattern.test(service)) return {};
    const { everyone, user } = await this.store.rows(userid, service);
    const fromProvider = await this.providers.get(service)?.getPermissions(service, userid);
    return { ...everyone, ...user, ...fromProvider };
  }

  /** Replaces one row; the internal SetPermissions method. */
  async set(userid: string, service: string, permissions: Permissions): Promise<Permissions> {
    if (!useridPattern.test(userid)) throw new CoreError('invalid-argument', 'userid must be `*` or a 32-character idhash');
    if (!servicePattern.test(service)) throw new CoreError('invalid-argument', 'service must be 1 to 128 letters, digits, . _ : -');
    if (JSON.stringify(permissions).length > 16_384) throw new CoreError('invalid-argument', 'permissions must be at most 16 KiB of JSON');
    await this.store.set(userid, service, permissions);
    return this.permissionsFor(userid, service);
  }
}
