/**
 * The credential of Conductor's internal callers (other services, the
 * operator CLIs): a short-lived token signed with a secret shared between
 * Conductor and those callers only. Internal methods (SetPermissions,
 * GrantDatasetAccess, RevokeDatasetAccess) accept nothing else.
 */
export interface InternalCredentials {
  /** A token naming the calling service, valid for a few minutes. */
  issue(caller: string): Promise<string>;
  /** The calling service's name; throws InvalidTokenError for anything but a valid internal token. */
  verify(token: string): Promise<string>;
}
