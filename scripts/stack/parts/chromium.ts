import { existsSync } from 'node:fs';
import { say } from '../log.ts';
import { runCommand } from '../run-command.ts';

const binary = '/usr/bin/chromium';

/** Debian's Chromium, for the browser tests (Playwright's own browser download cannot be reached here). */
export async function installChromium(logFile: string): Promise<string> {
  if (existsSync(binary)) {
    say('chromium', `present (${binary})`);
    return binary;
  }
  if (process.getuid?.() !== 0) throw new Error('Chromium is missing and apt-get needs root: run `sudo apt-get install -y chromium`');
  say('chromium', 'installing Debian package chromium (apt-get)');
  await runCommand('apt-get', ['update'], { logFile });
  await runCommand('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { logFile, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (!existsSync(binary)) throw new Error(`apt-get installed chromium but ${binary} is missing`);
  return binary;
}
