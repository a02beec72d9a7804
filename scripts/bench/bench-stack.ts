import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from '../build.ts';
import { installStack } from '../stack/install.ts';
import { cacheDir, repoRoot } from '../stack/paths.ts';
import { freeStackPorts, startStack, type RunningStack } from '../stack/stack.ts';

/**
 * BENCH_SMOKE=1: the benchmark runs with tiny sizes to show that it still
 * works end to end (the test suite runs every benchmark so), not to measure;
 * the build is the caller's (the test run has just made it).
 */
export const smoke = process.env.BENCH_SMOKE === '1';

/** The full size of a benchmark, or the tiny one in a smoke run. */
export function sized<T>(full: T, tiny: T): T {
  return smoke ? tiny : full;
}

/**
 * Installs, builds and starts a private stack on free ports for one benchmark run.
 * BENCH_CPU_PROFILE=<folder> runs the server and worker with --cpu-prof (each
 * process writes its profile there when the stack stops; read one with
 * scripts/bench/profile-summary.ts). BENCH_NODE_OPTIONS adds Node options to
 * them (say, a heap limit to try). BENCH_KEEP_DATA=1 keeps the stack's data
 * folder, its logs among it, after the run (the path is printed at start).
 */
export async function startBenchStack(extraEnv: NodeJS.ProcessEnv = {}): Promise<RunningStack & { dataDir: string; dispose(): Promise<void> }> {
  const profileDir = process.env.BENCH_CPU_PROFILE;
  const nodeOptions = [profileDir ? `--cpu-prof --cpu-prof-dir=${profileDir}` : '', process.env.BENCH_NODE_OPTIONS ?? ''].join(' ').trim();
  const profiling = nodeOptions ? { NODE_OPTIONS: nodeOptions } : {};
  const installed = await installStack();
  if (!smoke) await build(join(cacheDir, 'bench-logs', 'build.log'));
  const dataDir = mkdtempSync(join(tmpdir(), 'conductor-bench-'));
  const ports = await freeStackPorts();
  const stack = await startStack(
    {
      dataDir,
      logDir: join(dataDir, 'logs'),
      ports,
      gatewayHost: '127.0.0.1',
      publicHost: '127.0.0.1',
      corsOrigins: ['http://localhost:3000'],
      elasticsearchHeap: '512m',
      postgresPassword: 'bench',
      minioUser: 'conductor-bench',
      minioPassword: 'conductor-bench-secret',
      extraEnv: { LOG_LEVEL: 'warn', ...profiling, ...extraEnv },
    },
    installed,
  );
  return {
    ...stack,
    dataDir,
    dispose: async () => {
      await stack.stop();
      if (!process.env.BENCH_KEEP_DATA) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Summary statistics of durations in milliseconds. */
export function summarize(samples: number[]): { mean: number; p50: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { mean: samples.reduce((sum, value) => sum + value, 0) / samples.length, p50: at(0.5), p99: at(0.99) };
}

/** Runs `work` `requests` times with `concurrency` calls in flight (after a warm-up); latencies and throughput. */
export async function measure(work: () => Promise<void>, options: { requests: number; concurrency: number; warmup: number }) {
  for (let i = 0; i < options.warmup; i++) await work();
  const samples: number[] = [];
  const begin = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < options.requests) {
        next += 1;
        const started = performance.now();
        await work();
        samples.push(performance.now() - started);
      }
    }),
  );
  return { ...summarize(samples), perSecond: samples.length / ((performance.now() - begin) / 1000) };
}

/** Imports a module of the build (dist/src), so a benchmark runs the same code as the server. */
export function fromBuild(path: string) {
  return import(join(repoRoot, 'dist', 'src', path));
}

/**
 * An os.datastore permission token for `userid` granting datapackage-upload,
 * minted with the stack's service key as /user/authorize would: benchmarks
 * measure uploads and loads, not logins.
 */
export async function benchPermissionToken(stack: RunningStack, userid: string): Promise<string> {
  const { loadSigningKeys } = await fromBuild('adapters/keys/signing-keys.adapter.js');
  const { JoseTokenCodec } = await fromBuild('adapters/keys/jose-token-codec.js');
  const keys = await loadSigningKeys({ signingKeyFile: stack.conductorEnv.CONDUCTOR_SIGNING_KEY_FILE, signingKey: undefined });
  return new JoseTokenCodec(keys).sign('permission', { userid, service: 'os.datastore', permissions: { 'datapackage-upload': true } }, 3600);
}

/**
 * CPU time (user + system) a process has used so far, in ms, its own and
 * that of its children that have exited (a PostgreSQL backend's, once it
 * ends, moves to the postmaster; a psql run, to the benchmark); zeros when
 * it is gone.
 */
export function cpuTimesMs(pid: number | 'self' | undefined): { own: number; children: number } {
  if (!pid) return { own: 0, children: 0 };
  try {
    // Fields after the command name: utime, stime, cutime, cstime are the 12th to 15th, in clock ticks (USER_HZ, 100 on Linux).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return { own: (Number(fields[11]) + Number(fields[12])) * 10, children: (Number(fields[13]) + Number(fields[14])) * 10 };
  } catch {
    return { own: 0, children: 0 };
  }
}

/** A process's resident memory now (VmRSS), in bytes; 0 when it is gone. */
export function residentBytes(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** A process and all its descendants (PostgreSQL forks one backend per connection; a service may run under a wrapper). */
function processTree(pid: number | undefined): number[] {
  if (!pid) return [];
  const children: number[] = [];
  try {
    // Any thread may have started a child (Elasticsearch's launcher starts the server from another thread).
    for (const thread of readdirSync(`/proc/${pid}/task`)) {
      children.push(...readFileSync(`/proc/${pid}/task/${thread}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
    }
  } catch {
    // gone
  }
  return [pid, ...children.flatMap(processTree)];
}

/** Named groups of processes whose CPU time a benchmark accounts for. */
export type ProcessGroups = Record<string, () => (number | undefined)[]>;

/** The stack's parts as process groups (each with its descendants), for a benchmark to pick from. */
export function stackProcesses(stack: RunningStack) {
  const part = (name: string) => () => processTree(stack.services.get(name)?.pid);
  return {
    envoy: part('envoy'),
    servers: () => stack.servers.flatMap((server) => processTree(stack.services.get(server.name)?.pid)),
    worker: part('worker'),
    postgresql: part('postgresql'),
    minio: part('minio'),
    elasticsearch: part('elasticsearch'),
    temporal: part('temporal'),
  } satisfies ProcessGroups;
}

/**
 * Runs `work` and says how much CPU time each group of processes spent on
 * it, in µs per unit of work (a request, a row, a token): on a machine where
 * they all share the cores, that is where a ceiling comes from.
 */
export async function cpuPerUnit<T>(groups: ProcessGroups, work: () => Promise<T>, units: (result: T) => number): Promise<{ result: T; usPerUnit: Record<string, number> }> {
  const cpuNow = () => Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, pids().reduce((sum: number, pid) => sum + sumTimes(cpuTimesMs(pid)), 0)]));
  const before = cpuNow();
  const result = await work();
  const after = cpuNow();
  const count = units(result);
  return { result, usPerUnit: Object.fromEntries(Object.keys(groups).map((name) => [name, (((after[name] ?? 0) - (before[name] ?? 0)) * 1000) / count])) };
}

/** `name 1.2, name 3.4` */
export function formatPerUnit(usPerUnit: Record<string, number>, digits = 0): string {
  return Object.entries(usPerUnit)
    .map(([name, us]) => `${name} ${us.toFixed(digits)}`)
    .join(', ');
}

const sumTimes = ({ own, children }: { own: number; children: number }) => own + children;
