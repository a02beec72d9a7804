/**
 * Who may call each RPC: the one table of Conductor's access policy. Every
 * method of the contract has exactly one entry (a test compares this table
 * with the compiled descriptor), and the server refuses to start with a
 * method missing. Handlers receive the caller already resolved (rpc/caller.ts)
 * and never read a token themselves.
 */
export type Access =
  /** Anyone; credentials are not even read. */
  | 'public'
  /** A user token when one is valid, else anonymous (the reference answers such calls with 200 shapes). */
  | 'user-optional'
  /** A valid user token (Authorization: Bearer, Auth-Token or `jwt`). */
  | 'user'
  /** A valid permission token, of any service (the handler checks which). */
  | 'permission'
  /** A valid user token or permission token, both naming the user. */
  | 'user-or-permission'
  /** GHGA's internal access token (Authorization: Bearer only). */
  | 'work-package-user'
  /** A work package's access token (Authorization: Bearer only), checked against the package by the service. */
  | 'work-package-access'
  /** Another service or an operator CLI, with an internal token (no HTTP route; the public gateway serves no gRPC). */
  | 'internal';

export const accessPolicy: Record<string, Access> = {
  '/conductor.auth.v1.AuthService/Check': 'user-optional',
  '/conductor.auth.v1.AuthService/Authorize': 'user-optional',
  '/conductor.auth.v1.AuthService/Update': 'user-optional',
  '/conductor.auth.v1.AuthService/Logout': 'user',
  '/conductor.auth.v1.AuthService/GetPublicKey': 'public',
  '/conductor.auth.v1.AuthService/GetJwks': 'public',
  '/conductor.auth.v1.AuthService/GetLib': 'public',
  '/conductor.auth.v1.AuthService/SetPermissions': 'internal',

  '/conductor.datastore.v1.DatastoreService/Authorize': 'permission',
  '/conductor.datastore.v1.DatastoreService/Info': 'user-or-permission',

  '/conductor.package.v1.PackageService/Upload': 'user-or-permission',
  '/conductor.package.v1.PackageService/GetStatus': 'public',
  '/conductor.package.v1.PackageService/Publish': 'user-or-permission',
  '/conductor.package.v1.PackageService/Delete': 'user-or-permission',
  '/conductor.package.v1.PackageService/UpdateParams': 'user-or-permission',
  '/conductor.package.v1.PackageService/GetStats': 'public',

  '/conductor.search.v1.SearchService/Search': 'user-optional',

  '/conductor.workpackage.v1.WorkPackageService/CreateWorkPackage': 'work-package-user',
  '/conductor.workpackage.v1.WorkPackageService/GetWorkPackage': 'work-package-access',
  '/conductor.workpackage.v1.WorkPackageService/CreateWorkOrderToken': 'work-package-access',
  '/conductor.workpackage.v1.WorkPackageService/ListUserDatasets': 'work-package-user',
  '/conductor.workpackage.v1.WorkPackageService/GrantDatasetAccess': 'internal',
  '/conductor.workpackage.v1.WorkPackageService/RevokeDatasetAccess': 'internal',
  '/conductor.workpackage.v1.WorkPackageService/GetHealth': 'public',
};

/** The access of a method (its full gRPC path); throws for a method the table lacks. */
export function accessOf(path: string): Access {
  const access = Object.hasOwn(accessPolicy, path) ? accessPolicy[path] : undefined;
  if (!access) throw new Error(`${path} has no entry in the access policy (src/rpc/access-policy.ts)`);
  return access;
}
