import { Metadata } from '@grpc/grpc-js';
import { JoseInternalCredentials, loadInternalSecret } from '../../src/adapters/keys/internal-credentials.adapter.ts';
import { testStack } from '../setup/test-stack.ts';

/** Call metadata of an internal caller: a fresh internal token signed with the stack's internal secret. */
export async function internalMetadata(caller = 'tests'): Promise<Metadata> {
  const credentials = new JoseInternalCredentials(await loadInternalSecret({ file: testStack().internalSecretFile }));
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${await credentials.issue(caller)}`);
  return metadata;
}
