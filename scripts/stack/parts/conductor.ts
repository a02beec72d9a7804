import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Connection } from '@temporalio/client';
import temporalProto from '@temporalio/proto';
import { repoRoot } from '../paths.ts';
import { portOpen } from '../probes.ts';
import { runCommand } from '../run-command.ts';
import { startService, type ServiceProcess } from '../service-process.ts';

/**
 * Node's arguments for one of Conductor's processes: source maps, and the
 * tracing bootstrap loaded first (it starts tracing only when an OTLP
 * endpoint is configured).
 */
export function conductorNodeArgs(entry: string): string[] {
  return ['--enable-source-maps', '--import', pathToFileURL(join(repoRoot, 'dist', 'src', 'adapters', 'telemetry', 'instrument.js')).href, entry];
}

/** Applies the database migrations with the built code. */
export async function migrateDatabase(env: NodeJS.ProcessEnv, logFile: string): Promise<void> {
  await runCommand(process.execPath, [join(repoRoot, 'dist', 'src', 'cli', 'migrate.js')], { env, cwd: repoRoot, logFile });
}

/** Starts one of Conductor's gRPC server processes (with its HTTP listener) from the build. */
export function startConductorServer(name: string, env: NodeJS.ProcessEnv, grpcPort: number, httpPort: number, logFile: string): Promise<ServiceProcess> {
  return startService({
    name,
    command: process.execPath,
    args: conductorNodeArgs(join(repoRoot, 'dist', 'src', 'main.js')),
    env,
    cwd: repoRoot,
    logFile,
    ready: async () => (await portOpen(grpcPort)) && (await portOpen(httpPort)),
    restart: true,
  });
}

/**
 * Starts the Temporal worker from the build; ready once Temporal sees it
 * polling its task queue (whatever the log level).
 */
export async function startConductorWorker(name: string, env: NodeJS.ProcessEnv, logFile: string): Promise<ServiceProcess> {
  const connection = await Connection.connect({ address: String(env.TEMPORAL_ADDRESS) });
  try {
    return await startService({
      name,
      command: process.execPath,
      args: conductorNodeArgs(join(repoRoot, 'dist', 'workflows', 'worker.js')),
      env,
      cwd: repoRoot,
      logFile,
      restart: true,
      ready: async () => {
        const queue = await connection.workflowService.describeTaskQueue({
          namespace: env.TEMPORAL_NAMESPACE ?? 'default',
          taskQueue: { name: env.TEMPORAL_TASK_QUEUE ?? 'conductor-loads' },
          taskQueueType: temporalProto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        });
        return (queue.pollers ?? []).length > 0;
      },
    });
  } finally {
    await connection.close();
  }
}
