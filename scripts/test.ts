/**
 * `npm test`: installs what is missing, checks the contract (buf lint, buf
 * breaking, generated code up to date), lints and builds, then runs every
 * test with vitest, whose global setup starts the whole stack once on free
 * ports and stops it at the end.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from './build.ts';
import { checkBreaking } from './breaking.ts';
import { checkGenerated } from './check-generated.ts';
import { installStack } from './stack/install.ts';
import { installChromium } from './stack/parts/chromium.ts';
import { say } from './stack/log.ts';
import { cacheDir, repoRoot } from './stack/paths.ts';
import { runCommand } from './stack/run-command.ts';

const logDir = join(cacheDir, 'test-logs');
mkdirSync(logDir, { recursive: true });
const bin = (name: string) => join(repoRoot, 'node_modules', '.bin', name);
const step = async (name: string, work: () => Promise<void>) => {
  say(name, 'running');
  await work();
  say(name, 'ok');
};

try {
  await installStack();
  // Only the tests need a browser (the auth library's end-to-end test).
  await installChromium(join(logDir, 'chromium.log'));
  await step('buf lint', () => runCommand(bin('buf'), ['lint'], { cwd: repoRoot, logFile: join(logDir, 'buf-lint.log') }));
  await checkBreaking(join(logDir, 'buf-breaking.log'));
  await step('generated', () => checkGenerated(join(logDir, 'generated.log')));
  await step('eslint', () => runCommand(bin('eslint'), ['.'], { cwd: repoRoot, logFile: join(logDir, 'eslint.log') }));
  await step('typecheck', () => runCommand(bin('tsc'), ['-p', 'tsconfig.json'], { cwd: repoRoot, logFile: join(logDir, 'typecheck.log') }));
  await build(join(logDir, 'build.log'));
} catch (error) {
  process.stderr.write(`\n${(error as Error).message}\n`);
  process.exit(1);
}

const vitest = spawn(process.execPath, [join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...process.argv.slice(2)], { cwd: repoRoot, stdio: 'inherit' });
vitest.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
