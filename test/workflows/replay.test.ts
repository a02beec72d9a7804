/**
 * The workflow code replays the recorded histories of real loads (a success,
 * a bad value, a load resumed after its worker was killed), from each
 * version of the workflow, without
 * non-determinism: a change that would break loads in flight fails here and
 * must go behind `patched()`. See test/support/histories.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/stack/paths.ts';
import { historiesDir, readHistory } from '../support/histories.ts';

describe('workflow replay', () => {
  const files = readdirSync(historiesDir).filter((name) => name.endsWith('.binpb'));

  it('has the recorded histories of a success, a failure and a resumed load, from each version of the workflow', () => {
    const loads = ['load-bad-value', 'load-done', 'load-resumed-after-worker-kill'];
    // Before the steps were recorded together, after, and since the activities record them.
    const versions = ['', '-steps-together', '-statuses-in-activities'];
    expect(files.sort()).toEqual(versions.flatMap((version) => loads.map((name) => `${name}${version}.binpb`)).sort());
  });

  it('replays every one with the current workflow code', async () => {
    const histories = files.map((name) => ({ workflowId: name, history: readHistory(readFileSync(join(historiesDir, name))) }));
    const replayed: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowsPath: join(repoRoot, 'dist', 'workflows', 'workflows', 'index.js') }, histories)) {
      expect(result.error, result.workflowId).toBeUndefined();
      replayed.push(result.workflowId);
    }
    expect(replayed.sort()).toEqual(files.sort());
  }, 120_000);
});
