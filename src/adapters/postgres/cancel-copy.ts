import { once } from 'node:events';
import type { from as copyFrom } from 'pg-copy-streams';

/**
 * Ends a COPY that must not complete: destroying the stream sends CopyFail,
 * so the connection leaves COPY and its transaction can be rolled back.
 * Resolves once the stream has closed (the connection is usable again).
 */
export async function cancelCopy(copy: ReturnType<typeof copyFrom>, reason: Error): Promise<void> {
  const closed = once(copy, 'close').catch(() => undefined);
  copy.destroy(reason);
  await closed;
}
