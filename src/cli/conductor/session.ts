import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** Where `conductor login` keeps the user token (CONDUCTOR_TOKEN overrides it). */
const tokenFile = () => process.env.CONDUCTOR_TOKEN_FILE ?? join(homedir(), '.config', 'conductor', 'token');

export async function savedToken(): Promise<string | undefined> {
  if (process.env.CONDUCTOR_TOKEN) return process.env.CONDUCTOR_TOKEN;
  try {
    return (await readFile(tokenFile(), 'utf8')).trim() || undefined;
  } catch {
    return undefined;
  }
}

export async function saveToken(token: string): Promise<string> {
  const file = tokenFile();
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return file;
}
