import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { say } from '../log.ts';
import { giveTo, type ServiceUser } from '../os-user.ts';
import { readCommand, runCommand } from '../run-command.ts';
import { startService, type ServiceProcess } from '../service-process.ts';
import { versions } from '../versions.ts';

/** PostgreSQL comes from Debian's `postgresql` package; returns its bin folder. */
export async function installPostgres(logFile: string): Promise<string> {
  const found = findPostgresBin();
  if (found) {
    say('postgresql', `present (${found})`);
    return found;
  }
  say('postgresql', 'installing Debian package postgresql (apt-get)');
  if (process.getuid?.() !== 0) {
    throw new Error('PostgreSQL is missing and apt-get needs root: run `sudo apt-get install -y postgresql`');
  }
  await runCommand('apt-get', ['update'], { logFile });
  await runCommand('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], {
    logFile,
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  const installed = findPostgresBin();
  if (!installed) throw new Error('apt-get installed postgresql but no /usr/lib/postgresql/<major>/bin was found');
  return installed;
}

function findPostgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .map(Number)
    .filter((major) => major >= versions.postgresMinMajor && existsSync(join(root, String(major), 'bin', 'postgres')))
    .sort((a, b) => b - a);
  return majors.length ? join(root, String(majors[0]), 'bin') : undefined;
}

export interface PostgresOptions {
  bin: string;
  dataDir: string;
  port: number;
  user: ServiceUser | undefined;
  logFile: string;
  superuser: string;
  password: string;
  database: string;
}

/** Starts a private cluster (created on first use) on loopback and makes sure the database exists. */
export async function startPostgres(options: PostgresOptions): Promise<ServiceProcess> {
  const { bin, dataDir, port, user } = options;
  const socketDir = join(dataDir, '..', 'postgres-socket');
  mkdirSync(socketDir, { recursive: true });
  giveTo(user, socketDir);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    say('postgresql', `creating cluster in ${dataDir}`);
    mkdirSync(dataDir, { recursive: true });
    const passwordFile = join(dataDir, '..', 'postgres-password');
    writeFileSync(passwordFile, `${options.password}\n`, { mode: 0o600 });
    giveTo(user, dataDir);
    giveTo(user, passwordFile);
    await runCommand(
      join(bin, 'initdb'),
      ['-D', dataDir, '-U', options.superuser, '--pwfile', passwordFile, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C'],
      { logFile: options.logFile, uid: user?.uid, gid: user?.gid },
    );
  }
  const service = await startService({
    name: 'postgresql',
    command: join(bin, 'postgres'),
    args: ['-D', dataDir, '-p', String(port), '-k', socketDir, '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    logFile: options.logFile,
    uid: user?.uid,
    gid: user?.gid,
    // SIGINT is PostgreSQL's "fast" shutdown: ends sessions, checkpoints, exits.
    stopSignal: 'SIGINT',
    ready: async () =>
      (await readCommand(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-q'])) !== undefined,
  });
  const databases = await readCommand(join(bin, 'psql'), ['-h', socketDir, '-p', String(port), '-U', options.superuser, '-d', 'postgres', '-tAc', 'select datname from pg_database']);
  if (!databases?.split('\n').includes(options.database)) {
    await runCommand(join(bin, 'createdb'), ['-h', socketDir, '-p', String(port), '-U', options.superuser, options.database], {
      logFile: options.logFile,
    });
  }
  return service;
}
