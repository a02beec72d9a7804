/**
 * Sets a user's permissions for a service through the internal gRPC method
 * AuthService/SetPermissions (it has no HTTP route):
 *
 *   node dist/src/cli/set-permissions.js <idhash|*> <service> '<JSON object>'
 *
 * Reaches the server at CONDUCTOR_GRPC_HOST:CONDUCTOR_GRPC_PORT.
 */
import { credentials } from '@grpc/grpc-js';
import { AuthServiceClient, type SetPermissionsResponse } from '../gen/conductor/auth/v1/auth.js';

const [userid, service, json] = process.argv.slice(2);
if (!userid || !service || !json) {
  process.stderr.write("usage: set-permissions <idhash|*> <service> '<JSON object>'\n");
  process.exit(2);
}
let permissions: unknown;
try {
  permissions = JSON.parse(json);
} catch {
  permissions = undefined;
}
if (typeof permissions !== 'object' || permissions === null || Array.isArray(permissions)) {
  process.stderr.write('permissions must be a JSON object, e.g. \'{"datapackage-upload": true}\'\n');
  process.exit(2);
}
const address = `${process.env.CONDUCTOR_GRPC_HOST ?? '127.0.0.1'}:${process.env.CONDUCTOR_GRPC_PORT ?? '50051'}`;
const client = new AuthServiceClient(address, credentials.createInsecure());
client.setPermissions({ userid, service, permissions: permissions as Record<string, unknown> }, (error, response: SetPermissionsResponse) => {
  client.close();
  if (error) {
    process.stderr.write(`${error.details || error.message}\n`);
    process.exit(1);
  }
  process.stdout.write(`${JSON.stringify(response.permissions)}\n`);
});
