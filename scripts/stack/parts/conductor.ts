import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Connection } from '@temporalio/client';
import temporalProto from '@temporalio/proto';
import { repoRoot } from '../paths.ts';
import { portOpen } from '../probes.ts';
import { runCommand } from '../run-command.ts';
import { startService, type ServiceProcess } from '../service-process.ts';
import { workerNodeFlags } from '../../../workflows/worker-node-flags.ts';

/**
 * Node's arguments for one of Conductor's processes: its own `flags` (the
 * worker's heap size), source maps, and the tracing bootstrap loaded first
 * (it starts tracing only when an OTLP endpoint is configured).
 */
export function conductorNodeArgs(entry: string, flags: string[] = []): string[] {
  return [...flags, '--enable-source-maps', '--import', pathToFileURL(join(repoRoot, 'dist', 'src', 'adapters', 'telemetry', 'instrument.js')).href, entry];
}

/** Applies the database migrations with the built code. */
export async function migrateDatabase(env: NodeJS.ProcessEnv, logFile: string): Promise<void> {
  await runCommand(process.execPath, [join(repoRoot, 'dist', 'src', 'cli', 'migrate.js')], { env, cwd: repoRoot, logFile });
}

/** Where a server process listens: its address, gRPC port and HTTP port. */
export interface ServerListen {
  host: string;
  grpc: number;
  http: number;
}

/** Supervision: `npm start` restarts a process that dies; tests that kill processes on purpose do not. */
interface StartOptions {
  restart?: boolean;
}

/** Starts one of Conductor's gRPC server processes (with its HTTP listener) from the build. */
export function startConductorServer(name: string, env: NodeJS.ProcessEnv, listen: ServerListen, logFile: string, { restart = true }: StartOptions = {}): Promise<ServiceProcess> {
  return startService({
    name,
    command: process.execPath,
    args: conductorNodeArgs(join(repoRoot, 'dist', 'src', 'main.js')),
    env: { ...env, CONDUCTOR_GRPC_HOST: listen.host, CONDUCTOR_GRPC_PORT: String(listen.grpc), CONDUCTOR_HTTP_PORT: String(listen.http) },
    cwd: repoRoot,
    logFile,
    ready: async () => (await portOpen(listen.grpc, listen.host)) && (await portOpen(listen.http, listen.host)),
    restart,
  });
}

/**
 * Starts a Temporal worker from the build; ready once Temporal sees a poller
 * on its task queue that was not there before (whatever the log level, and
 * however many workers already poll it).
 */
export async function startConductorWorker(name: string, env: NodeJS.ProcessEnv, logFile: string, { restart = true }: StartOptions = {}): Promise<ServiceProcess> {
  const connection = await Connection.connect({ address: String(env.TEMPORAL_ADDRESS) });
  const pollers = async () => {
    const queue = await connection.workflowService.describeTaskQueue({
      namespace: env.TEMPORAL_NAMESPACE ?? 'default',
      taskQueue: { name: env.TEMPORAL_TASK_QUEUE ?? 'conductor-loads' },
      taskQueueType: temporalProto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    return (queue.pollers ?? []).map((poller) => poller.identity ?? '');
  };
  try {
    const before = new Set(await pollers());
    return await startService({
      name,
      command: process.execPath,
      args: conductorNodeArgs(join(repoRoot, 'dist', 'workflows', 'worker.js'), workerNodeFlags),
      env,
      cwd: repoRoot,
      logFile,
      restart,
      ready: async () => (await pollers()).some((identity) => !before.has(identity)),
    });
  } finally {
    await connection.close();
  }
}
