import { credentials, Metadata, type ChannelCredentials } from '@grpc/grpc-js';
import { JoseInternalCredentials, loadInternalSecret } from '../adapters/keys/internal-credentials.adapter.js';

/** Where the operator CLIs reach Conductor's gRPC port, and how they authenticate as an internal caller. */
export interface InternalTarget {
  address: string;
  credentials: ChannelCredentials;
  /** Call metadata carrying a fresh internal token. */
  metadata: Metadata;
}

/**
 * The gRPC address (CONDUCTOR_GRPC_HOST:CONDUCTOR_GRPC_PORT) and an internal
 * token signed with CONDUCTOR_INTERNAL_SECRET or CONDUCTOR_INTERNAL_SECRET_FILE
 * (`npm start` prints the file it generated). Exits with a message when no secret is set.
 */
export async function internalTarget(caller: string): Promise<InternalTarget> {
  const file = process.env.CONDUCTOR_INTERNAL_SECRET_FILE;
  let secret: Uint8Array | undefined;
  try {
    secret = await loadInternalSecret({ text: process.env.CONDUCTOR_INTERNAL_SECRET, file });
  } catch (error) {
    fail(`cannot read the internal secret: ${(error as Error).message}`);
  }
  if (!secret) fail('set CONDUCTOR_INTERNAL_SECRET or CONDUCTOR_INTERNAL_SECRET_FILE (npm start prints the file it generated)');
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${await new JoseInternalCredentials(secret).issue(caller)}`);
  return {
    address: `${process.env.CONDUCTOR_GRPC_HOST ?? '127.0.0.1'}:${process.env.CONDUCTOR_GRPC_PORT ?? '50051'}`,
    credentials: credentials.createInsecure(),
    metadata,
  };
}

export function fail(message: string, code = 2): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}
