/**
 * Workflow histories of real loads, kept as fixtures: the replay test runs
 * the current workflow code against them, so a change that would break
 * loads in flight (non-determinism) fails `npm test` and must go behind
 * `patched()`. `CONDUCTOR_RECORD_HISTORIES=1 npm test -- test/api/package-load-guarantees.test.ts test/workflows/load-fault.test.ts`
 * records them anew (only after a deliberate, versioned change).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import temporalProto from '@temporalio/proto';

const { History } = temporalProto.temporal.api.history.v1;

export const historiesDir = join(import.meta.dirname, '..', 'fixtures', 'histories');

export async function recordHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (!process.env.CONDUCTOR_RECORD_HISTORIES) return;
  // Binary protobuf: the exact bytes Temporal serves, read back with History.decode.
  writeFileSync(join(historiesDir, `${name}.binpb`), History.encode(await handle.fetchHistory()).finish());
}

/** A recorded history, as Temporal's replayer takes it. */
export function readHistory(bytes: Uint8Array) {
  return History.decode(bytes);
}
