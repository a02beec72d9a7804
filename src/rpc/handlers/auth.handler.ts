import { AuthServiceService, type AuthServiceServer } from '../../gen/conductor/auth/v1/auth.js';
import type { Logger } from '../../logger.js';
import type { SigningKeys } from '../../ports/signing-keys.js';
import { serviceHandlers } from '../service-handlers.js';
import { unary } from '../unary.js';

/** AuthService over gRPC; the methods not listed here answer UNIMPLEMENTED until built. */
export function authHandlers(logger: Logger, keys: SigningKeys): AuthServiceServer {
  return serviceHandlers<AuthServiceServer>(AuthServiceService, logger, {
    getPublicKey: unary(logger, async () => ({
      contentType: 'application/x-pem-file',
      data: Buffer.from(keys.publicKeyPem),
      extensions: [],
    })),
    getJwks: unary(logger, async () => ({ keys: [keys.publicJwk] })),
  });
}
