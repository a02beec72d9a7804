/**
 * `npm run bench:load`: generates Fiscal Data Packages of 100,000, 1,000,000
 * and 3,000,000 rows (about ten columns of mixed types), loads each through
 * the whole workflow (upload → Temporal → COPY), and in the same run loads the
 * same CSV with `psql \copy` into an equivalent table (the baseline: an `_id`
 * column numbering the rows — an identity column, as psql cannot number the
 * file itself — given its primary key after the copy, as the loader's fact
 * table has). Prints
 * rows/s of both, their ratio, the worker's peak memory after each size, and
 * the CPU time per row of each process on both paths (from /proc): on a
 * machine where they share the cores, that is where the ceiling comes from.
 * BENCH_WAIT_EVENTS=1 adds what PostgreSQL's COPY backends waited on, on
 * each path (wait-events.ts).
 */
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnSync } from 'node:child_process';
import { Client, Connection, ServiceError, WorkflowFailedError } from '@temporalio/client';
import { benchPermissionToken, cpuPerUnit, formatPerUnit, fromBuild, residentBytes, stackProcesses, startBenchStack, sized } from './bench-stack.ts';
import { formatWaits, withWaitEvents } from './wait-events.ts';
import { runCommand } from '../stack/run-command.ts';

// 3M as well: the 100k load is too short for the worker's heap to reach its working size,
// so comparing 1M with 3M is what shows whether memory grows with rows.
// LOAD_ROWS=1000000 (comma-separated) measures other sizes, e.g. for a profile (BENCH_CPU_PROFILE) of one load.
const sizes = process.env.LOAD_ROWS ? process.env.LOAD_ROWS.split(',').map(Number) : sized([100_000, 1_000_000, 3_000_000], [2_000, 3_000]);

// How many times each size is loaded, each time the workflow then psql: on two shared cores one pair's ratio
// swings widely (psql's copy and key of the same 1M-row file took 2.8 to 6.0 s across runs, 3.5 and 6.0 s in one),
// so the ratio reported per size is the median of its pairs: five up to 1M rows, three at 3M, one above.
// LOAD_PAIRS=n sets it for every size.
const pairsFor = (rows: number) => (process.env.LOAD_PAIRS ? Number(process.env.LOAD_PAIRS) : sized(rows <= 1_000_000 ? 5 : rows <= 3_000_000 ? 3 : 1, 1));

// os-packager polls /package/status once a second while a load runs (its datastore service's `pollInterval`).
const statusPollMs = 1_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

const fields = [
  { name: 'id', type: 'integer', sql: 'bigint' },
  { name: 'year', type: 'integer', sql: 'bigint' },
  { name: 'date', type: 'date', sql: 'date' },
  { name: 'country', type: 'string', sql: 'text' },
  { name: 'admin_code', type: 'string', sql: 'text' },
  { name: 'admin_label', type: 'string', sql: 'text' },
  { name: 'function', type: 'string', sql: 'text' },
  { name: 'approved', type: 'boolean', sql: 'boolean' },
  { name: 'amount', type: 'number', sql: 'numeric' },
  { name: 'description', type: 'string', sql: 'text' },
];

async function writeCsv(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  out.write(`${fields.map((field) => field.name).join(',')}\n`);
  const countries = ['ES', 'AU', 'AL', 'MK', 'DE'];
  for (let i = 0; i < rows; i++) {
    const line = `${i},${2000 + (i % 25)},20${String(10 + (i % 15))}-0${1 + (i % 9)}-1${i % 9},${countries[i % 5]},A${i % 997},"Administration ${i % 997}, unit ${i % 13}",F${i % 31},${i % 3 === 0},${(i * 37.13) % 1_000_000},"Line item ${i} ""quoted"" text"\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

function descriptor(name: string) {
  return {
    name,
    title: `Benchmark ${name}`,
    resources: [{ name: 'data', path: 'data.csv', schema: { fields: fields.map(({ name: fieldName, type }) => ({ name: fieldName, type })) } }],
    model: {
      measures: { amount: { source: 'amount', currency: 'EUR' } },
      dimensions: {
        date: { attributes: { year: { source: 'year' }, date: { source: 'date' } }, primaryKey: 'date' },
        administrative: { attributes: { code: { source: 'admin_code' }, label: { source: 'admin_label', labelfor: 'code' } }, primaryKey: 'code' },
        functional: { attributes: { code: { source: 'function' } }, primaryKey: 'code' },
      },
    },
  };
}

/**
 * The phases of one load from its workflow history's event times: until the
 * resource's activity is scheduled (start, status records, fetch and
 * validation as local activities), its wait in the task queue, its run (the
 * COPY), and from its end to the workflow's (model, registry, swap).
 */
async function historyBreakdown(client: Client, workflowId: string): Promise<string> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events = (history.events ?? []).map((event) => ({ type: String(event.eventType ?? ''), at: Number(event.eventTime?.seconds ?? 0) * 1000 + Number(event.eventTime?.nanos ?? 0) / 1e6, event }));
  const first = events[0]?.at ?? 0;
  const find = (predicate: (event: (typeof events)[number]) => boolean) => events.find(predicate)?.at ?? Number.NaN;
  const scheduled = find((event) => event.event.activityTaskScheduledEventAttributes != null);
  const started = find((event) => event.event.activityTaskStartedEventAttributes != null);
  const completed = find((event) => event.event.activityTaskCompletedEventAttributes != null);
  const end = events.at(-1)?.at ?? Number.NaN;
  const markers = events.filter((event) => event.event.markerRecordedEventAttributes != null).length;
  const workflowTasks = events.filter((event) => event.event.workflowTaskCompletedEventAttributes != null).length;
  const seconds = (ms: number) => (ms / 1000).toFixed(2);
  return `before the COPY ${seconds(scheduled - first)} | queued ${seconds(started - scheduled)} | COPY ${seconds(completed - started)} | after ${seconds(end - completed)} | total ${seconds(end - first)} (${markers} local activities, ${workflowTasks} workflow tasks)`;
}

const stack = await startBenchStack();
try {
  const env = stack.conductorEnv;
  const { createObjectStoreClient } = await fromBuild('adapters/minio/client.js');
  const { loadWorkflowIdFor } = await fromBuild('core/packages/load.service.js');
  const owner = createHash('md5').update('bench-load@example.test').digest('hex');
  const token = await benchPermissionToken(stack, owner);
  const bucket = 'conductor-datastore';
  const s3 = createObjectStoreClient({ endpoint: env.S3_ENDPOINT, publicEndpoint: env.S3_PUBLIC_ENDPOINT, accessKey: env.S3_ACCESS_KEY, secretKey: env.S3_SECRET_KEY, bucket, region: 'us-east-1' });
  const work = join(stack.dataDir, 'bench-load');
  mkdirSync(work, { recursive: true });
  const worker = stack.services.get('worker');
  const psql = join(stack.postgresBin, 'psql');
  const results: string[] = [];
  const cpuLines: string[] = [];
  const parts = stackProcesses(stack);
  const workflowProcesses = { worker: parts.worker, postgresql: parts.postgresql, minio: parts.minio, 'envoy + servers': () => [...parts.envoy(), ...parts.servers()], temporal: parts.temporal };
  // psql runs as this process's child, and this process waits for it: its time is psql's.
  const copyProcesses = { postgresql: parts.postgresql, psql: () => [process.pid] };
  const residentMiB = () => residentBytes(worker?.pid) / 1024 / 1024;
  const peaks = new Map<number, number>();
  const ratiosBySize = new Map<number, number[]>();
  const idleBefore = residentMiB();
  const histories: string[] = [];
  const temporal = new Client({ connection: await Connection.connect({ address: stack.urls.temporal }) });

  // BENCH_WAIT_EVENTS=1: what PostgreSQL's COPY backends wait on, on each path (wait-events.ts).
  const waitLines: string[] = [];
  const sampled = async <T>(run: () => Promise<T>) =>
    process.env.BENCH_WAIT_EVENTS === '1' ? withWaitEvents(String(env.DATABASE_URL), run) : { result: await run(), waits: undefined };
  // psql's copy runs without blocking this process (the wait events are sampled meanwhile); it throws when psql fails.
  const psqlLog = join(stack.dataDir, 'logs', 'bench-psql.log');
  const psqlRun = (args: string[]) => runCommand(psql, args, { logFile: psqlLog });

  /**
   * Each timed load starts with nothing left for PostgreSQL to do from the
   * one before: no autovacuum of the table just loaded (it reads the whole
   * table, and would run beside the next load), no dirty pages for a
   * checkpoint to flush. And nothing for the kernel to write back: the
   * workflow's load comes right after its CSV was written and put into
   * MinIO (700 MB at 3M rows), which the kernel would otherwise write to
   * disk during that load but not during psql's.
   */
  const settle = () => {
    for (const statement of ['vacuum (analyze)', 'checkpoint']) spawnSync(psql, [String(env.DATABASE_URL), '-qc', statement], { stdio: 'inherit' });
    spawnSync('sync', { stdio: 'inherit' });
  };

  /** Writes a package of `rows` rows into the datastore: its CSV's local path, size and descriptor URL. */
  // One CSV per size, written once: every pair of that size uploads it under a dataset of its own.
  const csvs = new Map<number, string>();
  const putPackage = async (name: string, rows: number) => {
    let csv = csvs.get(rows);
    if (!csv) {
      csv = join(work, `${rows}.csv`);
      await writeCsv(csv, rows);
      csvs.set(rows, csv);
    }
    await s3.fPutObject(bucket, `${owner}/${name}/data.csv`, csv, { 'Content-Type': 'text/csv' });
    await s3.putObject(bucket, `${owner}/${name}/datapackage.json`, Buffer.from(JSON.stringify(descriptor(name))));
    return { csv, megabytes: statSync(csv).size / 1024 / 1024, url: `${env.S3_PUBLIC_ENDPOINT}/${bucket}/${owner}/${name}/datapackage.json` };
  };

  /**
   * Uploads through the gateway and waits for the load's workflow to end
   * (Temporal tells the moment, so no poll interval is added to the time),
   * then asks /package/status for the answer a client sees. Meanwhile
   * /package/status is polled as os-packager polls it: once a second (its
   * `pollInterval`). Polling faster would measure the benchmark rather than
   * the load: each status call costs the gateway, a server and PostgreSQL
   * CPU that psql's path does not spend. Returns that last answer.
   */
  const loadThroughGateway = async (url: string) => {
    type Answer = { status: string; progress?: number; error?: string; dataset_id?: string };
    const status = async () => (await (await fetch(`${stack.urls.gateway}/package/status?datapackage=${encodeURIComponent(url)}`)).json()) as Answer;
    const upload = await fetch(`${stack.urls.gateway}/package/upload?datapackage=${encodeURIComponent(url)}`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    if (upload.status !== 200) throw new Error(`upload answered ${upload.status}: ${await upload.text()}`);
    const { dataset_id: datasetId } = await status();
    // Stopped when the workflow ends, so the end is not taken up to one poll interval late.
    const ended = new AbortController();
    const polling = (async () => {
      while (!ended.signal.aborted) {
        await sleep(statusPollMs, undefined, { signal: ended.signal }).catch(() => undefined);
        if (!ended.signal.aborted) await status();
      }
    })();
    try {
      const handle = temporal.workflow.getHandle(loadWorkflowIdFor(String(datasetId)));
      for (;;) {
        try {
          await handle.result();
          break;
        } catch (error) {
          // A failed load fails its workflow: the status below says so. A long poll that timed out is asked again.
          if (error instanceof WorkflowFailedError) break;
          if (!(error instanceof ServiceError)) throw error;
        }
      }
    } finally {
      ended.abort();
      await polling;
    }
    return status();
  };

  // The first load after the stack starts also pays for starting things once per process: the
  // workflow sandbox, the worker's first database and Elasticsearch connections, Elasticsearch's
  // first write to the registry index. A small load first, timed apart, keeps that out of the ratios.
  const warmUp = await putPackage('bench-warm-up', sized(10_000, 500));
  const warmUpStarted = performance.now();
  const warmUpEnd = await loadThroughGateway(warmUp.url);
  if (warmUpEnd.status !== 'done') throw new Error(`warm-up load ended ${JSON.stringify(warmUpEnd)}`);
  const warmUpLine = `first load after the stack started (${sized(10_000, 500).toLocaleString('en')} rows, not in the ratios): ${((performance.now() - warmUpStarted) / 1000).toFixed(2)} s`;

  // A PostgreSQL that has been running has its WAL files: each checkpoint recycles them for the WAL
  // that follows. A fresh cluster creates and zero-fills each 16 MB file the first time, and whichever
  // path writes that much WAL first pays for it: at 3M rows the workflow's COPY backends spent 8–11 %
  // of their samples on IO:WALInitWrite and psql's, timed after it on the recycled files, none
  // (BENCH_WAIT_EVENTS=1). So the WAL files of a load larger than the largest here are made once,
  // before anything is timed, and kept (min_wal_size) for both paths.
  const walPrimeStarted = performance.now();
  for (const statement of [
    "alter system set min_wal_size = '1GB'",
    'select pg_reload_conf()',
    `create table bench_wal_prime as select g, repeat('x', 200) as filler from generate_series(1, ${sized(4_000_000, 1_000)}) g`,
    'drop table bench_wal_prime',
    'checkpoint',
  ])
    spawnSync(psql, [String(env.DATABASE_URL), '-qc', statement], { stdio: 'inherit' });
  const walPrimeLine = `WAL files made before timing (1 GB, kept by min_wal_size): ${((performance.now() - walPrimeStarted) / 1000).toFixed(1)} s`;

  for (const rows of sizes) {
    for (let pair = 1; pair <= pairsFor(rows); pair++) {
      const label = (pairsFor(rows) > 1 ? `${rows} #${pair}` : String(rows)).padStart(12);
      const name = `bench-${rows}-${results.length}`;
      const { csv, megabytes, url } = await putPackage(name, rows);

      settle();
      // The worker's peak resident memory during this load, sampled every 20 ms.
      let peak = residentMiB();
      const sampler = setInterval(() => (peak = Math.max(peak, residentMiB())), 20);
      const started = performance.now();
      const {
        result: {
          result: status,
          waits: workflowWaits,
        },
        usPerUnit: workflowCpu,
      } = await cpuPerUnit(workflowProcesses, () => sampled(() => loadThroughGateway(url)), () => rows);
      const workflowSeconds = (performance.now() - started) / 1000;
      clearInterval(sampler);
      if (status.status !== 'done' || status.progress !== rows) throw new Error(`load ended ${JSON.stringify(status)}`);

      // Baseline: the same file with psql \copy into an equivalent table: an `_id` column numbering the rows (an
      // identity: psql cannot number the file's records itself, the loader does), given its primary key after the copy.
      const table = `baseline_${rows}`;
      const columnList = fields.map((field) => `"${field.name}"`).join(', ');
      const sql = `drop table if exists ${table}; create table ${table} ("_id" bigint generated always as identity, ${fields.map((field) => `"${field.name}" ${field.sql}`).join(', ')});`;
      const connection = String(env.DATABASE_URL);
      spawnSync(psql, [connection, '-qc', sql], { stdio: 'inherit' });
      settle();
      const baselineStarted = performance.now();
      const {
        result: { waits: copyWaits },
        usPerUnit: copyCpu,
      } = await cpuPerUnit(
        copyProcesses,
        () =>
          sampled(async () => {
            await psqlRun([connection, '-qc', `\\copy ${table} (${columnList}) from '${csv}' with (format csv, header true)`]);
            await psqlRun([connection, '-qc', `alter table ${table} add primary key ("_id")`]);
          }),
        () => rows,
      );
      const baselineSeconds = (performance.now() - baselineStarted) / 1000;
      cpuLines.push(`${label} rows | workflow: ${formatPerUnit(workflowCpu, 2)} | psql \\copy: ${formatPerUnit(copyCpu, 2)}`);
      if (workflowWaits && copyWaits) waitLines.push(`${label} rows | workflow's COPY backends: ${formatWaits(workflowWaits)}\n${' '.repeat(18)}| psql \\copy's backend: ${formatWaits(copyWaits)}`);

      histories.push(`${label} rows | ${await historyBreakdown(temporal, `load:${status.dataset_id}`)}`);
      peaks.set(rows, Math.max(peak, peaks.get(rows) ?? 0));
      const throughput = rows / workflowSeconds;
      const baseline = rows / baselineSeconds;
      ratiosBySize.set(rows, [...(ratiosBySize.get(rows) ?? []), throughput / baseline]);
      results.push(
        `${label} rows (${megabytes.toFixed(0).padStart(3)} MB) | workflow ${workflowSeconds.toFixed(1).padStart(6)} s ${Math.round(throughput).toLocaleString('en').padStart(9)} rows/s | psql \\copy ${baselineSeconds.toFixed(1).padStart(5)} s ${Math.round(baseline).toLocaleString('en').padStart(9)} rows/s | ratio ${(throughput / baseline).toFixed(2)} | worker peak ${peak.toFixed(0)} MiB`,
      );
    }
  }
  console.log(`\n${warmUpLine}\n${walPrimeLine}`);
  console.log('\nwhole workflow (upload → Temporal → validate → COPY → Babbage model → registry) vs psql \\copy + primary key, same CSV, same run\n');
  for (const line of results) console.log(line);
  console.log('\nratio per size, the median of its pairs (workflow, then psql, one after the other):\n');
  for (const [rows, ratios] of ratiosBySize) console.log(`${String(rows).padStart(12)} rows | ratio ${median(ratios).toFixed(2)} (${ratios.length} ${ratios.length === 1 ? 'pair' : `pairs: ${ratios.map((ratio) => ratio.toFixed(2)).join(', ')}`})`);
  console.log(`\nworker peak = the worker process's peak resident memory (VmRSS sampled every 20 ms) during that load; ${idleBefore.toFixed(0)} MiB before the first.`);
  console.log('\nwhere the time goes, from the workflow history (seconds; local activities are the status records and the short steps):\n');
  for (const line of histories) console.log(line);
  console.log(`\nCPU time per row (µs), by process (${availableParallelism()} cores):\n`);
  for (const line of cpuLines) console.log(line);
  if (waitLines.length) {
    console.log('\nwhat the COPY backends were doing, share of samples every 50 ms (CPU = no wait event; BENCH_WAIT_EVENTS=1):\n');
    for (const line of waitLines) console.log(line);
  }
  await temporal.connection.close();
  const peakOf = (rows: number) => peaks.get(rows) ?? Number.NaN;
  const smallest = Math.min(...peaks.keys());
  const ratios = [...peaks.keys()].filter((rows) => rows !== smallest).map((rows) => `${rows.toLocaleString('en')} ÷ ${smallest.toLocaleString('en')}: ${(peakOf(rows) / peakOf(smallest)).toFixed(2)}`);
  console.log(`ratio worker peak ${ratios.join('   ')}\n`);
} finally {
  await stack.dispose();
}
