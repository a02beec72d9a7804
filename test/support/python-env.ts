import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { cacheDir } from '../../scripts/stack/paths.ts';

const run = promisify(execFile);

/** Which interpreter builds the virtualenv (`python3` from PATH by default), and whether the file lists every package itself. */
export interface PythonEnvOptions {
  python?: string;
  /** Install exactly the file's packages (pip --no-deps): it pins every dependency, some replaced by equivalents. */
  noDeps?: boolean;
}

/**
 * A virtualenv with a requirements file installed from PyPI, made once per
 * version of the file and kept in the cache folder; returns its folder.
 */
export async function pythonEnv(name: string, requirements: string, options: PythonEnvOptions = {}): Promise<string> {
  const hash = createHash('sha256').update(readFileSync(requirements));
  // A chosen interpreter is part of the key, so a venv made by another Python
  // is never reused; without one the key stays what it was for older callers.
  if (options.python) hash.update(`\0${options.python}`);
  if (options.noDeps) hash.update('\0no-deps');
  const key = hash.digest('hex').slice(0, 12);
  const venv = join(cacheDir, `${name}-${key}`);
  if (!existsSync(join(venv, '.complete'))) {
    rmSync(venv, { recursive: true, force: true });
    await run(options.python ?? 'python3', ['-m', 'venv', venv]);
    await run(join(venv, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...(options.noDeps ? ['--no-deps'] : []), '-r', requirements], { timeout: 600_000 });
    await run(join(venv, 'bin', 'python'), ['-c', `open(${JSON.stringify(join(venv, '.complete'))}, 'w').close()`]);
  }
  return venv;
}

/**
 * A Python 3.9 interpreter, for packages that stop working on 3.10 (babbage
 * 0.4 pins grako 3.10.1, which imports collections.Mapping). Looks in pyenv's
 * versions first (newest 3.9.x), then for a `python3.9` on PATH that really
 * is 3.9 (a pyenv shim is one only when 3.9 is the selected version).
 */
export function python39(): string {
  const pyenvRoots = [process.env.PYENV_ROOT, join(homedir(), '.pyenv')];
  try {
    pyenvRoots.unshift(execFileSync('pyenv', ['root'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    // No pyenv on PATH; the fallbacks above still cover a default install.
  }
  for (const root of pyenvRoots) {
    if (!root || !existsSync(join(root, 'versions'))) continue;
    const versions = readdirSync(join(root, 'versions'))
      .filter((v) => /^3\.9\.\d+$/.test(v))
      .sort((a, b) => Number(b.split('.')[2]) - Number(a.split('.')[2]));
    for (const version of versions) {
      const python = join(root, 'versions', version, 'bin', 'python3.9');
      if (existsSync(python)) return python;
    }
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const python = join(dir, 'python3.9');
    if (!dir || !existsSync(python)) continue;
    try {
      const version = execFileSync(python, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
      if (version === '3.9') return python;
    } catch {
      // A broken shim or interpreter: keep looking.
    }
  }
  throw new Error(
    'No Python 3.9 found: looked for $(pyenv root)/versions/3.9.*/bin/python3.9 and python3.9 on PATH. ' +
      'Install one, e.g. `pyenv install 3.9`.',
  );
}
