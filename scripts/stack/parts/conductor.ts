import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../paths.ts';
import { portOpen } from '../probes.ts';
import { runCommand } from '../run-command.ts';
import { startService, type ServiceProcess } from '../service-process.ts';

/** Applies the database migrations with the built code. */
export async function migrateDatabase(env: NodeJS.ProcessEnv, logFile: string): Promise<void> {
  await runCommand(process.execPath, [join(repoRoot, 'dist', 'src', 'cli', 'migrate.js')], { env, cwd: repoRoot, logFile });
}

/** Starts Conductor's gRPC server (and its HTTP listener) from the build. */
export function startConductorServer(env: NodeJS.ProcessEnv, grpcPort: number, httpPort: number, logFile: string): Promise<ServiceProcess> {
  return startService({
    name: 'conductor',
    command: process.execPath,
    args: ['--enable-source-maps', join(repoRoot, 'dist', 'src', 'main.js')],
    env,
    cwd: repoRoot,
    logFile,
    ready: async () => (await portOpen(grpcPort)) && (await portOpen(httpPort)),
  });
}

/** Starts the Temporal worker from the build; ready once it has told its task queue. */
export function startConductorWorker(env: NodeJS.ProcessEnv, logFile: string): Promise<ServiceProcess> {
  // The log file is appended to across runs: only what this run wrote counts.
  const offset = existsSync(logFile) ? statSync(logFile).size : 0;
  return startService({
    name: 'worker',
    command: process.execPath,
    args: ['--enable-source-maps', join(repoRoot, 'dist', 'workflows', 'worker.js')],
    env,
    cwd: repoRoot,
    logFile,
    ready: async () => readFileSync(logFile).subarray(offset).toString().includes('"msg":"worker running"'),
  });
}
