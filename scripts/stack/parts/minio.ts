import { mkdirSync } from 'node:fs';
import { partDir } from '../paths.ts';
import { httpAnswers } from '../probes.ts';
import { startService, type ServiceProcess } from '../service-process.ts';
import { versions } from '../versions.ts';
import { goInstall } from './go-tool.ts';

/** MinIO is source-only now: built once from the Go module proxy. */
export function installMinio(logFile: string): Promise<string> {
  return goInstall('minio', 'github.com/minio/minio', versions.minio, partDir('minio', versions.minio), logFile);
}

export interface MinioOptions {
  binary: string;
  dataDir: string;
  port: number;
  consolePort: number;
  rootUser: string;
  rootPassword: string;
  logFile: string;
}

/** Starts MinIO on loopback with its console. */
export function startMinio(options: MinioOptions): Promise<ServiceProcess> {
  mkdirSync(options.dataDir, { recursive: true });
  return startService({
    name: 'minio',
    command: options.binary,
    args: ['server', options.dataDir, '--address', `127.0.0.1:${options.port}`, '--console-address', `127.0.0.1:${options.consolePort}`, '--quiet'],
    env: {
      ...process.env,
      MINIO_ROOT_USER: options.rootUser,
      MINIO_ROOT_PASSWORD: options.rootPassword,
      MINIO_UPDATE: 'off',
      MINIO_CALLHOME_ENABLE: 'off',
    },
    logFile: options.logFile,
    ready: () => httpAnswers(`http://127.0.0.1:${options.port}/minio/health/ready`),
  });
}
