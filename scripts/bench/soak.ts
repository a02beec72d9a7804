/**
 * `npm run bench:soak`: the server's resident memory under sustained load and
 * after it. Connections (autocannon) cycle through the cheap and the
 * token-checking routes; the server's RSS (from /proc) and V8 heap (from its
 * /metrics) are printed at start, once warmed up (20 s of light load, every
 * route compiled and every pool open, then 30 s of rest), after each minute
 * of heavy load and each minute of idle. The figure that matters is the last
 * line: RSS after idle ÷ RSS warmed up (a leak grows with every minute of
 * load and does not come back; memory V8 only holds on to comes back).
 *
 *   SOAK_LOAD_MINUTES (4)  SOAK_IDLE_MINUTES (5)  SOAK_CONNECTIONS (200)
 */
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { benchPermissionToken, residentBytes, startBenchStack, sized } from './bench-stack.ts';

const loadMinutes = Number(process.env.SOAK_LOAD_MINUTES ?? sized(4, 1));
const idleMinutes = Number(process.env.SOAK_IDLE_MINUTES ?? sized(5, 1));
const connections = Number(process.env.SOAK_CONNECTIONS ?? sized(200, 4));
// A smoke run's "minutes" last a second.
const minuteSeconds = sized(60, 1);

const stack = await startBenchStack();
try {
  // Every server process (npm start runs one per core): RSS and heap are summed over them.
  const servers = stack.servers.map((server) => ({ pid: stack.services.get(server.name)?.pid, metrics: `http://127.0.0.1:${server.http}/metrics` }));
  if (servers.some((server) => !server.pid)) throw new Error('a server process has no pid');
  const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(0).padStart(5);
  const rss = () => servers.reduce((sum, server) => sum + residentBytes(server.pid), 0);
  const heapOf = async (url: string) => Number(/^conductor_nodejs_heap_size_used_bytes (\S+)$/m.exec(await (await fetch(url)).text())?.[1]);
  const heapUsed = async () => (await Promise.all(servers.map((server) => heapOf(server.metrics)))).reduce((sum, heap) => sum + heap, 0);
  const report = async (label: string, extra = '') => {
    const now = rss();
    console.log(`${label.padEnd(22)} RSS ${mib(now)} MiB   heap used ${mib(await heapUsed())} MiB${extra}`);
    return now;
  };

  // A permission token: checked like a user token (signature, kind, revocation) by /datastore/info.
  const token = await benchPermissionToken(stack, 'soak-user');
  const requests = [
    { method: 'GET' as const, path: '/user/check' },
    { method: 'GET' as const, path: '/datastore/info', headers: { authorization: `Bearer ${token}` } },
    { method: 'GET' as const, path: '/search/package?q=%22budget%22&size=10' },
    { method: 'GET' as const, path: '/health' },
    { method: 'GET' as const, path: '/package/status?datapackage=http%3A%2F%2Fexample.test%2Fdatapackage.json' },
  ];
  const load = async (seconds: number, clients = connections) => {
    const result = await autocannon({ url: stack.urls.gateway, connections: clients, duration: seconds, requests });
    const failed = result.errors + result.timeouts + result['5xx'];
    return `   ${Math.round(result.requests.average).toString().padStart(6)} req/s${failed ? `, ${failed} errors/5xx` : ''}`;
  };

  console.log(`\nserver memory (${servers.length} server processes, summed), ${connections} connections, ${loadMinutes} min of load, ${idleMinutes} min idle\n`);
  await report('start');
  const warmup = await load(sized(20, 1), 10);
  await sleep(sized(30_000, 1_000));
  const warm = await report('warmed up', warmup);
  for (let minute = 1; minute <= loadMinutes; minute++) await report(`load, minute ${minute}`, await load(minuteSeconds));
  let last = 0;
  for (let minute = 1; minute <= idleMinutes; minute++) {
    await sleep(minuteSeconds * 1000);
    last = await report(`idle, minute ${minute}`);
  }
  console.log(`\nratio (RSS after idle ÷ RSS warmed up): ${(last / warm).toFixed(2)}\n`);
} finally {
  await stack.dispose();
}
