import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { say } from '../log.ts';
import { readCommand, runCommand } from '../run-command.ts';

/**
 * Builds a Go program from the Go module proxy into the cache (MinIO and the
 * Temporal CLI publish no binaries to the registries these machines reach).
 */
export async function goInstall(part: string, modulePath: string, version: string, dir: string, logFile: string): Promise<string> {
  const binary = join(dir, 'bin', modulePath.split('/').at(-1) ?? part);
  if (existsSync(binary)) {
    say(part, `present (${binary})`);
    return binary;
  }
  const goVersion = await readCommand('go', ['version']);
  if (!goVersion) throw new Error(`${part} is built from source with Go (>= 1.24), and \`go\` was not found on PATH`);
  say(part, `building ${modulePath}@${version} with ${goVersion.trim().split(' ')[2]} (a few minutes, once)`);
  mkdirSync(join(dir, 'bin'), { recursive: true });
  await runCommand('go', ['install', '-trimpath', `${modulePath}@${version}`], {
    logFile,
    env: { ...process.env, GOBIN: join(dir, 'bin'), CGO_ENABLED: '0', GOFLAGS: '-mod=mod' },
  });
  say(part, 'built');
  return binary;
}
