import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { say } from './log.ts';

/** A long-running part of the stack, started by us and stopped by us. */
export interface ServiceProcess {
  name: string;
  logFile: string;
  /** OS process id (benchmarks read its memory high-water mark). */
  pid: number | undefined;
  stop(): Promise<void>;
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run as this OS user (PostgreSQL and Elasticsearch refuse root). */
  uid?: number;
  gid?: number;
  /** Resolves when the service answers; polled until `timeoutMs`. */
  ready: () => Promise<boolean>;
  timeoutMs?: number;
  /** Signal that stops the service cleanly. */
  stopSignal?: NodeJS.Signals;
  /** Restart it, with backoff, when it exits without being asked to (Conductor's server and worker). */
  restart?: boolean;
}

/** Starts a service with its output in a log file and waits until it is ready. */
export async function startService(options: StartOptions): Promise<ServiceProcess> {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const spawnChild = () => {
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      uid: options.uid,
      gid: options.gid,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: false,
    });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    return child;
  };
  let child = spawnChild();
  let exited: string | undefined;
  child.on('exit', (code, signal) => {
    exited = `exited with ${signal ?? code}`;
  });
  child.on('error', (error) => {
    exited = `could not start: ${error.message}`;
  });

  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 120_000;
  for (;;) {
    if (exited) throw new Error(`${options.name} ${exited}; see ${options.logFile}`);
    if (await options.ready().catch(() => false)) break;
    if (Date.now() - started > timeoutMs) {
      await stopChild(child, options.stopSignal ?? 'SIGTERM');
      throw new Error(`${options.name} not ready after ${timeoutMs / 1000}s; see ${options.logFile}`);
    }
    await sleep(250);
  }
  say(options.name, `ready in ${((Date.now() - started) / 1000).toFixed(1)}s (log: ${options.logFile})`);

  // Supervision: an exit nobody asked for is printed and, for services that
  // ask for it, answered with a restart after a growing pause (1 s, 2 s, …
  // 30 s; back to 1 s once a run has lasted a minute).
  let stopping = false;
  let pause = 1_000;
  let restartTimer: NodeJS.Timeout | undefined;
  const supervise = (current: ReturnType<typeof spawnChild>) => {
    const runStarted = Date.now();
    current.once('exit', (code, signal) => {
      if (stopping) return;
      if (Date.now() - runStarted > 60_000) pause = 1_000;
      if (!options.restart) return say(options.name, `exited unexpectedly (${signal ?? code}); see ${options.logFile}`);
      say(options.name, `exited unexpectedly (${signal ?? code}); restarting in ${pause / 1000}s (log: ${options.logFile})`);
      restartTimer = setTimeout(() => {
        if (stopping) return;
        child = spawnChild();
        child.once('error', (error) => say(options.name, `could not restart: ${error.message}`));
        service.pid = child.pid;
        supervise(child);
      }, pause);
      pause = Math.min(pause * 2, 30_000);
    });
  };
  supervise(child);

  const service: ServiceProcess = {
    name: options.name,
    logFile: options.logFile,
    pid: child.pid,
    stop: async () => {
      stopping = true;
      clearTimeout(restartTimer);
      await stopChild(child, options.stopSignal ?? 'SIGTERM');
      log.end();
    },
  };
  return service;
}

/** Asks a child to stop, and kills it if it has not within 20 seconds. */
async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}
