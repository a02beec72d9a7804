/**
 * Sets a user's permissions for a service through the internal gRPC method
 * AuthService/SetPermissions (it has no HTTP route); the same as
 * `conductor permissions set`:
 *
 *   node dist/src/cli/set-permissions.js <idhash|*> <service> '<JSON object>'
 *
 * Reaches the server at CONDUCTOR_GRPC_HOST:CONDUCTOR_GRPC_PORT as an
 * internal caller (CONDUCTOR_INTERNAL_SECRET or CONDUCTOR_INTERNAL_SECRET_FILE).
 */
import { parsePermissions, setPermissions } from './conductor/internal-commands.js';
import { fail } from './internal-call.js';

const [userid, service, json] = process.argv.slice(2);
if (!userid || !service || !json) fail("usage: set-permissions <idhash|*> <service> '<JSON object>'");
let permissions: Record<string, unknown>;
try {
  permissions = parsePermissions(json);
} catch (error) {
  fail((error as Error).message);
}
try {
  process.stdout.write(`${JSON.stringify(await setPermissions(userid, service, permissions))}\n`);
} catch (error) {
  fail((error as Error).message, 1);
}
