/**
 * Sets a user's permissions for a service through the internal gRPC method
 * AuthService/SetPermissions (it has no HTTP route):
 *
 *   node dist/src/cli/set-permissions.js <idhash|*> <service> '<JSON object>'
 *
 * Reaches the server at CONDUCTOR_GRPC_HOST:CONDUCTOR_GRPC_PORT as an
 * internal caller (CONDUCTOR_INTERNAL_SECRET or CONDUCTOR_INTERNAL_SECRET_FILE).
 */
import { AuthServiceClient, type SetPermissionsResponse } from '../gen/conductor/auth/v1/auth.js';
import { fail, internalTarget } from './internal-call.js';

const [userid, service, json] = process.argv.slice(2);
if (!userid || !service || !json) fail("usage: set-permissions <idhash|*> <service> '<JSON object>'");
let permissions: unknown;
try {
  permissions = JSON.parse(json);
} catch {
  permissions = undefined;
}
if (typeof permissions !== 'object' || permissions === null || Array.isArray(permissions)) {
  fail('permissions must be a JSON object, e.g. \'{"datapackage-upload": true}\'');
}
const target = await internalTarget('set-permissions');
const client = new AuthServiceClient(target.address, target.credentials);
client.setPermissions({ userid, service, permissions: permissions as Record<string, unknown> }, target.metadata, (error, response: SetPermissionsResponse) => {
  client.close();
  if (error) fail(error.details || error.message, 1);
  process.stdout.write(`${JSON.stringify(response.permissions)}\n`);
});
