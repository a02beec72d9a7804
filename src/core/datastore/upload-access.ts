import { CoreError } from '../errors.js';
import type { PermissionService } from '../auth/permissions.service.js';
import type { PermissionTokenClaims } from '../auth/tokens.service.js';

/** The service Conductor's permission tokens must be for, and the permission that allows uploads. */
export const datastoreService = 'os.datastore';
export const uploadPermission = 'datapackage-upload';

/** Why a permission token does not allow uploading, or undefined when it does. */
export function uploadRefusal(permission: PermissionTokenClaims): string | undefined {
  if (permission.service !== datastoreService) return `The token is not for ${datastoreService}`;
  if (!permission.permissions[uploadPermission]) return `The token does not grant ${uploadPermission}`;
  return undefined;
}

/** Who asks to upload: a user (by user token) or the holder of a permission token. */
export type Uploader = { kind: 'user'; userid: string } | { kind: 'permission'; claims: PermissionTokenClaims };

/** Decides who may upload packages: the one place that knows what `datapackage-upload` means. */
export class UploadAccess {
  constructor(private readonly permissions: PermissionService) {}

  /**
   * The user id of an uploader allowed to upload: a user granted
   * `datapackage-upload` on `os.datastore`, or an `os.datastore` permission
   * token granting it. Anything else is refused (403).
   */
  async uploaderOf(uploader: Uploader): Promise<string> {
    if (uploader.kind === 'user') {
      if (!(await this.permissions.permissionsFor(uploader.userid, datastoreService))[uploadPermission]) throw new CoreError('permission-denied', `${uploadPermission} is not granted`);
      return uploader.userid;
    }
    const refusal = uploadRefusal(uploader.claims);
    if (refusal) throw new CoreError('permission-denied', refusal);
    return uploader.claims.userid;
  }
}
