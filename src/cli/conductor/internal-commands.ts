/**
 * Operator commands on the gRPC port, as an internal caller (the internal
 * token of CONDUCTOR_INTERNAL_SECRET or CONDUCTOR_INTERNAL_SECRET_FILE), and
 * the database migrations. Shared by `conductor` and the single-purpose CLIs.
 */
import { createOrm, migrate } from '../../adapters/postgres/orm.js';
import { loadConfig } from '../../config/index.js';
import { AuthServiceClient } from '../../gen/conductor/auth/v1/auth.js';
import { WorkPackageServiceClient } from '../../gen/conductor/workpackage/v1/workpackage.js';
import { internalTarget } from '../internal-call.js';

/** Parses a permissions object given as JSON text; throws a message saying what is wanted. */
export function parsePermissions(json: string): Record<string, unknown> {
  let permissions: unknown;
  try {
    permissions = JSON.parse(json);
  } catch {
    permissions = undefined;
  }
  if (typeof permissions !== 'object' || permissions === null || Array.isArray(permissions)) {
    throw new Error('permissions must be a JSON object, e.g. \'{"datapackage-upload": true}\'');
  }
  return permissions as Record<string, unknown>;
}

export async function setPermissions(userid: string, service: string, permissions: Record<string, unknown>): Promise<Record<string, unknown>> {
  const target = await internalTarget('conductor-cli');
  const client = new AuthServiceClient(target.address, target.credentials);
  try {
    return await new Promise((done, fail) =>
      client.setPermissions({ userid, service, permissions }, target.metadata, (error, response) => (error ? fail(new Error(error.details || error.message)) : done(response.permissions ?? {}))),
    );
  } finally {
    client.close();
  }
}

export async function datasetAccess(action: 'grant' | 'revoke', userId: string, datasetId: string): Promise<void> {
  const target = await internalTarget('conductor-cli');
  const client = new WorkPackageServiceClient(target.address, target.credentials);
  const method = action === 'grant' ? client.grantDatasetAccess.bind(client) : client.revokeDatasetAccess.bind(client);
  try {
    await new Promise<void>((done, fail) => method({ userId, datasetId }, target.metadata, (error) => (error ? fail(new Error(error.details || error.message)) : done())));
  } finally {
    client.close();
  }
}

/** `up` applies every pending migration, `down` undoes the last one, `status` lists both kinds. */
export async function migrations(action: 'up' | 'down' | 'status'): Promise<string> {
  const orm = await createOrm(loadConfig(['database']).database);
  try {
    if (action === 'up') {
      const applied = await migrate(orm);
      return applied.length ? `applied ${applied.join(', ')}` : 'database up to date';
    }
    if (action === 'down') {
      const undone = await orm.migrator.down();
      return undone.length ? `undid ${undone.map((migration) => migration.name).join(', ')}` : 'nothing to undo';
    }
    const executed = (await orm.migrator.getExecuted()).map((migration) => `applied  ${migration.name}`);
    const pending = (await orm.migrator.getPending()).map((migration) => `pending  ${migration.name}`);
    return [...executed, ...pending].join('\n');
  } finally {
    await orm.close();
  }
}
