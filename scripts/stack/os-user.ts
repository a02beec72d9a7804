import { chownSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readCommand, runCommand } from './run-command.ts';

/** The unprivileged account PostgreSQL and Elasticsearch run under (both refuse root). */
export interface ServiceUser {
  uid: number;
  gid: number;
}

const accountName = 'conductor';

/**
 * Under root, returns (creating it once) a system account to run the servers
 * as; otherwise the servers run as the current user and nothing is needed.
 */
export async function serviceUser(logFile: string): Promise<ServiceUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  let entry = await readCommand('getent', ['passwd', accountName]);
  if (!entry) {
    await runCommand('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', accountName], {
      logFile,
    });
    entry = await readCommand('getent', ['passwd', accountName]);
  }
  const [, , uid, gid] = (entry ?? '').split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** Gives a folder tree to the service account. */
export function giveTo(user: ServiceUser | undefined, path: string): void {
  if (!user) return;
  chownSync(path, user.uid, user.gid);
  if (!statSync(path).isDirectory()) return;
  for (const name of readdirSync(path)) giveTo(user, join(path, name));
}
