import { CoreError } from '../errors.js';
import type { PermissionService } from '../auth/permissions.service.js';
import type { PermissionTokenClaims, TokenService } from '../auth/tokens.service.js';

/** The service Conductor's permission tokens must be for, and the permission that allows uploads. */
export const datastoreService = 'os.datastore';
export const uploadPermission = 'datapackage-upload';

/** Why a permission token does not allow uploading, or undefined when it does. */
export function uploadRefusal(permission: PermissionTokenClaims): string | undefined {
  if (permission.service !== datastoreService) return `The token is not for ${datastoreService}`;
  if (!permission.permissions[uploadPermission]) return `The token does not grant ${uploadPermission}`;
  return undefined;
}

/** Decides who may upload packages: the one place that knows what `datapackage-upload` means. */
export class UploadAccess {
  constructor(
    private readonly tokens: TokenService,
    private readonly permissions: PermissionService,
  ) {}

  /**
   * The uploader behind a token: a user token of someone granted
   * `datapackage-upload` on `os.datastore`, or an `os.datastore` permission
   * token granting it. Anything else is refused (403).
   */
  async uploaderOf(token: string | undefined): Promise<string> {
    const user = await this.tokens.verifyUserToken(token).catch((error: unknown) => {
      if (error instanceof CoreError) return undefined;
      throw error;
    });
    if (user) {
      if (!(await this.permissions.permissionsFor(user.userid, datastoreService))[uploadPermission]) throw new CoreError('permission-denied', `${uploadPermission} is not granted`);
      return user.userid;
    }
    const permission = await this.tokens.verifyPermissionToken(token);
    const refusal = uploadRefusal(permission);
    if (refusal) throw new CoreError('permission-denied', refusal);
    return permission.userid;
  }
}
