import { spawn, type SpawnOptions } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** Runs a command to completion; its output goes to a log file, and the tail is shown when it fails. */
export async function runCommand(
  command: string,
  args: string[],
  options: SpawnOptions & { logFile: string },
): Promise<void> {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile, { flags: 'a' });
  log.write(`$ ${command} ${args.join(' ')}\n`);
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (chunk: Buffer) => {
    log.write(chunk);
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const code = await new Promise<number | null>((done, fail) => {
    child.on('error', fail);
    child.on('close', done);
  });
  log.end();
  if (code !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${code} (log: ${options.logFile})\n${tail}`);
  }
}

/** Runs a command and returns its standard output, or undefined when it fails or is missing. */
export async function readCommand(command: string, args: string[]): Promise<string | undefined> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((done) => {
    child.on('error', () => done(-1));
    child.on('close', done);
  });
  return code === 0 ? out : undefined;
}
