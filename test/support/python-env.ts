import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cacheDir } from '../../scripts/stack/paths.ts';

const run = promisify(execFile);

/**
 * A virtualenv with a requirements file installed from PyPI, made once per
 * version of the file and kept in the cache folder; returns its folder.
 */
export async function pythonEnv(name: string, requirements: string): Promise<string> {
  const key = createHash('sha256').update(readFileSync(requirements)).digest('hex').slice(0, 12);
  const venv = join(cacheDir, `${name}-${key}`);
  if (!existsSync(join(venv, '.complete'))) {
    rmSync(venv, { recursive: true, force: true });
    await run('python3', ['-m', 'venv', venv]);
    await run(join(venv, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', requirements], { timeout: 600_000 });
    await run(join(venv, 'bin', 'python'), ['-c', `open(${JSON.stringify(join(venv, '.complete'))}, 'w').close()`]);
  }
  return venv;
}
