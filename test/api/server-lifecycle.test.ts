/** buildServer on port 0, as tests and embedders use it: serves, then shuts down gracefully. */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/stack/paths.ts';
import { loadSigningKeys } from '../../src/adapters/keys/signing-keys.adapter.ts';
import { WorkPackageServiceClient, type GetHealthResponse } from '../../src/gen/conductor/workpackage/v1/workpackage.js';
import { createLogger } from '../../src/logger.ts';
import { buildServer } from '../../src/rpc/server.ts';

describe('gRPC server lifecycle', () => {
  it('serves on an ephemeral port and refuses calls after a graceful shutdown', async () => {
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const keys = await loadSigningKeys({ signingKey: pem, signingKeyFile: undefined });
    const unusedPort = undefined as never;
    const server = buildServer({
      logger: createLogger('silent', 'test'),
      descriptorSet: readFileSync(join(repoRoot, 'envoy', 'descriptor.pb')),
      // Only the health method is called: the auth collaborators are never reached.
      auth: { keys, tokens: unusedPort, users: unusedPort, permissions: unusedPort, providers: [], loginUrl: () => '', browserLibrary: Buffer.from(''), serviceTokens: {} },
      callers: { tokens: unusedPort, workPackageTokens: unusedPort, internalCredentials: unusedPort },
      datastore: { datastore: unusedPort },
      search: { search: unusedPort },
      workPackages: { workPackages: unusedPort },
      packages: { uploads: unusedPort, packages: unusedPort, loads: unusedPort },
    });
    const port = await server.listen('127.0.0.1', 0);
    expect(port).toBeGreaterThan(0);
    const client = new WorkPackageServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
    const health = () =>
      new Promise<GetHealthResponse>((done, fail) =>
        client.getHealth({}, new Metadata(), { deadline: Date.now() + 2000 }, (error, response) => (error ? fail(error) : done(response))),
      );
    expect(await health()).toEqual({ status: 'OK' });
    await server.shutdown(2000);
    const after = await health().catch((error: ServiceError) => error);
    expect((after as ServiceError).code).toBe(status.UNAVAILABLE);
    client.close();
  });
});
