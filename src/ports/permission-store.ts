/** Permissions of one user (or `*`) for one service: a JSON object such as `{"datapackage-upload": true}`. */
export type Permissions = Record<string, unknown>;

/** Permission rows (PostgreSQL). */
export interface PermissionStore {
  /** The `*` row and the user's row for the service, either possibly missing. */
  rows(userid: string, service: string): Promise<{ everyone?: Permissions; user?: Permissions }>;
  /** Replaces one row. */
  set(userid: string, service: string, permissions: Permissions): Promise<void>;
}
