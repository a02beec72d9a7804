/**
 * Grants or revokes a user's download access to a dataset through the
 * internal gRPC methods WorkPackageService/GrantDatasetAccess and
 * RevokeDatasetAccess (they have no HTTP route):
 *
 *   node dist/src/cli/dataset-access.js grant|revoke <user id> <dataset id>
 *
 * Reaches the server at CONDUCTOR_GRPC_HOST:CONDUCTOR_GRPC_PORT as an
 * internal caller (CONDUCTOR_INTERNAL_SECRET or CONDUCTOR_INTERNAL_SECRET_FILE).
 */
import { WorkPackageServiceClient } from '../gen/conductor/workpackage/v1/workpackage.js';
import { fail, internalTarget } from './internal-call.js';

const [action, userId, datasetId] = process.argv.slice(2);
if ((action !== 'grant' && action !== 'revoke') || !userId || !datasetId) fail('usage: dataset-access grant|revoke <user id> <dataset id>');
const target = await internalTarget('dataset-access');
const client = new WorkPackageServiceClient(target.address, target.credentials);
const method = action === 'grant' ? client.grantDatasetAccess.bind(client) : client.revokeDatasetAccess.bind(client);
method({ userId, datasetId }, target.metadata, (error) => {
  client.close();
  if (error) fail(error.details || error.message, 1);
  process.stdout.write(`${action === 'grant' ? 'granted' : 'revoked'}: ${userId} → ${datasetId}\n`);
});
