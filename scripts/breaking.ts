/**
 * `buf breaking`: on a branch, against main; on main itself, against the
 * previous commit (so each change to main is checked against what it replaced).
 */
import { join } from 'node:path';
import { say } from './stack/log.ts';
import { repoRoot } from './stack/paths.ts';
import { readCommand, runCommand } from './stack/run-command.ts';

export async function checkBreaking(logFile: string): Promise<void> {
  const branch = (await readCommand('git', ['-C', repoRoot, 'rev-parse', '--abbrev-ref', 'HEAD']))?.trim();
  const hasMain = (await readCommand('git', ['-C', repoRoot, 'rev-parse', '--verify', '--quiet', 'main'])) !== undefined;
  const hasParent = (await readCommand('git', ['-C', repoRoot, 'rev-parse', '--verify', '--quiet', 'HEAD~1'])) !== undefined;
  const against = branch !== 'main' && hasMain ? '.git#branch=main' : hasParent ? '.git#ref=HEAD~1' : undefined;
  if (!against) {
    say('buf breaking', 'skipped: no earlier version of the contract to compare with');
    return;
  }
  await runCommand(join(repoRoot, 'node_modules', '.bin', 'buf'), ['breaking', '--against', against], { cwd: repoRoot, logFile });
  say('buf breaking', `no breaking change against ${against}`);
}

if (import.meta.main) await checkBreaking(join(repoRoot, 'breaking.log'));
