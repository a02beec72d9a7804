import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { partDir } from '../paths.ts';
import { httpAnswers, portOpen } from '../probes.ts';
import { startService, type ServiceProcess } from '../service-process.ts';
import { versions } from '../versions.ts';
import { goInstall } from './go-tool.ts';

/** Search attributes Conductor's loads carry, so operators can find them in the Temporal UI. */
export const conductorSearchAttributes = {
  ConductorDatasetId: 'Keyword',
  ConductorOwner: 'Keyword',
  ConductorLoadStatus: 'Keyword',
  ConductorRowsLoaded: 'Int',
} as const;

/** The Temporal CLI carries the dev server and the UI; built once from the Go module proxy. */
export function installTemporal(logFile: string): Promise<string> {
  return goInstall('temporal', 'github.com/temporalio/cli/cmd/temporal', versions.temporalCli, partDir('temporal', versions.temporalCli), logFile);
}

export interface TemporalOptions {
  binary: string;
  dbFile: string;
  port: number;
  uiPort: number;
  httpPort: number;
  metricsPort: number;
  namespace: string;
  logFile: string;
}

/** Starts the Temporal dev server (SQLite file) with its UI and Conductor's search attributes. */
export function startTemporal(options: TemporalOptions): Promise<ServiceProcess> {
  mkdirSync(dirname(options.dbFile), { recursive: true });
  const attributes = Object.entries(conductorSearchAttributes).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]);
  return startService({
    name: 'temporal',
    command: options.binary,
    args: [
      'server', 'start-dev',
      '--ip', '127.0.0.1',
      '--port', String(options.port),
      '--ui-port', String(options.uiPort),
      '--http-port', String(options.httpPort),
      '--metrics-port', String(options.metricsPort),
      '--db-filename', options.dbFile,
      '--namespace', options.namespace,
      '--log-level', 'warn',
      ...attributes,
    ],
    logFile: options.logFile,
    ready: async () => (await portOpen(options.port)) && (await httpAnswers(`http://127.0.0.1:${options.uiPort}/`)),
  });
}
