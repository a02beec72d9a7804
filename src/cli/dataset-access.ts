/**
 * Grants or revokes a user's download access to a dataset through the
 * internal gRPC methods WorkPackageService/GrantDatasetAccess and
 * RevokeDatasetAccess (they have no HTTP route); the same as
 * `conductor datasets grant|revoke`:
 *
 *   node dist/src/cli/dataset-access.js grant|revoke <user id> <dataset id>
 *
 * Reaches the server at CONDUCTOR_GRPC_HOST:CONDUCTOR_GRPC_PORT as an
 * internal caller (CONDUCTOR_INTERNAL_SECRET or CONDUCTOR_INTERNAL_SECRET_FILE).
 */
import { datasetAccess } from './conductor/internal-commands.js';
import { fail } from './internal-call.js';

const [action, userId, datasetId] = process.argv.slice(2);
if ((action !== 'grant' && action !== 'revoke') || !userId || !datasetId) fail('usage: dataset-access grant|revoke <user id> <dataset id>');
try {
  await datasetAccess(action, userId, datasetId);
  process.stdout.write(`${action === 'grant' ? 'granted' : 'revoked'}: ${userId} → ${datasetId}\n`);
} catch (error) {
  fail((error as Error).message, 1);
}
