/**
 * What PostgreSQL's backends are doing while a COPY runs: pg_stat_activity
 * sampled every 50 ms over one connection, counting for each backend busy
 * with a COPY either `CPU` (no wait event) or the event it waits on
 * (`Lock:extend`, `LWLock:WALWrite`, `IO:DataFileExtend`, …). bench:load
 * prints these with BENCH_WAIT_EVENTS=1, for the workflow's COPY streams and
 * for `psql \copy`: where the two differ is where the workflow's streams get
 * in each other's way. (The sampling adds a query every 50 ms, and its CPU
 * is counted in the benchmark process, which the CPU table calls psql.)
 */
import pg from 'pg';

const everyMs = 50;

export async function withWaitEvents<T>(databaseUrl: string, run: () => Promise<T>): Promise<{ result: T; waits: Map<string, number> }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const waits = new Map<string, number>();
  let running = true;
  const sampling = (async () => {
    while (running) {
      const { rows } = await client.query<{ wait: string }>(
        "select coalesce(wait_event_type || ':' || wait_event, 'CPU') as wait from pg_stat_activity where backend_type = 'client backend' and state = 'active' and pid <> pg_backend_pid() and query ilike 'copy %'",
      );
      for (const { wait } of rows) waits.set(wait, (waits.get(wait) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  try {
    return { result: await run(), waits };
  } finally {
    running = false;
    await sampling;
    await client.end();
  }
}

/** `CPU 52 %, Lock:extend 18 %, …` (shares of the samples, largest first; those under 2 % left out). */
export function formatWaits(waits: Map<string, number>): string {
  const total = [...waits.values()].reduce((sum, count) => sum + count, 0);
  if (!total) return 'no samples';
  return [...waits]
    .sort((a, b) => b[1] - a[1])
    .filter(([, count]) => count / total >= 0.02)
    .map(([wait, count]) => `${wait} ${Math.round((100 * count) / total)} %`)
    .join(', ');
}
