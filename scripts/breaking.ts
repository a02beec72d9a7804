/**
 * `buf breaking`: on a branch, against main; on main, against the last
 * released contract (the newest `contract-v*` tag), so once clients depend on
 * a release nothing may break it. Before the first release there is nothing
 * to compare with, and the check says so.
 */
import { join } from 'node:path';
import { say } from './stack/log.ts';
import { repoRoot } from './stack/paths.ts';
import { readCommand, runCommand } from './stack/run-command.ts';

export async function checkBreaking(logFile: string): Promise<void> {
  const git = (...args: string[]) => readCommand('git', ['-C', repoRoot, ...args]);
  const branch = (await git('rev-parse', '--abbrev-ref', 'HEAD'))?.trim();
  const hasMain = (await git('rev-parse', '--verify', '--quiet', 'main')) !== undefined;
  const released = (await git('tag', '--list', 'contract-v*', '--sort=-version:refname'))?.split('\n')[0]?.trim();
  const against = branch !== 'main' && hasMain ? '.git#branch=main' : released ? `.git#tag=${released}` : undefined;
  if (!against) {
    say('buf breaking', 'skipped: no released contract yet (tag one with `git tag contract-v1`)');
    return;
  }
  await runCommand(join(repoRoot, 'node_modules', '.bin', 'buf'), ['breaking', '--against', against], { cwd: repoRoot, logFile });
  say('buf breaking', `no breaking change against ${against}`);
}

if (import.meta.main) await checkBreaking(join(repoRoot, 'breaking.log'));
