/**
 * `npm run bench:gateway`: requests per second through Envoy, in one run, for
 * - Envoy's own local reply (an unknown route: no upstream at all), the
 *   ceiling of anything routed through this gateway on this machine;
 * - `/health` (transcoded to gRPC, no credential);
 * - `/user/check` without a token and with a valid user token (signature,
 *   kind and revocation checked).
 * Load from autocannon (npm) in this process; each target runs for
 * BENCH_SECONDS (10) with BENCH_CONNECTIONS (100) after a short warm-up.
 * For each target it also prints the CPU time per request of each process
 * on the path (from /proc): the load generator, Envoy, the server processes
 * (summed), and PostgreSQL (summed over its processes) — on a machine where
 * they all share the cores, that is where the ceiling comes from.
 * BENCH_ONLY=<text> runs only the targets whose name contains it, so a
 * profile (BENCH_CPU_PROFILE, see bench-stack.ts) shows one path.
 */
import { availableParallelism } from 'node:os';
import autocannon from 'autocannon';
import pg from 'pg';
import { cpuPerUnit, fromBuild, startBenchStack, stackProcesses, type ProcessGroups, sized } from './bench-stack.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? sized(10, 1));
const connections = Number(process.env.BENCH_CONNECTIONS ?? sized(100, 4));

const stack = await startBenchStack();
try {
  const { loadSigningKeys } = await fromBuild('adapters/keys/signing-keys.adapter.js');
  const { JoseTokenCodec } = await fromBuild('adapters/keys/jose-token-codec.js');
  const keys = await loadSigningKeys({ signingKeyFile: stack.conductorEnv.CONDUCTOR_SIGNING_KEY_FILE, signingKey: undefined });
  // A user as a login would have made it (benchmarks measure calls, not logins).
  const userid = 'b0000000000000000000000000000001';
  const db = new pg.Client({ connectionString: String(stack.conductorEnv.DATABASE_URL) });
  await db.connect();
  await db.query("insert into users (idhash, profile_id, name, email, avatar_url, join_date) values ($1, 'bench', 'Bench User', 'bench@example.test', '', now())", [userid]);
  await db.end();
  const userToken: string = await new JoseTokenCodec(keys).sign('user', { userid, jti: crypto.randomUUID() }, 3600);

  const targets = [
    { name: "Envoy's local reply (unknown route)", path: '/no-such-route', status: 404 },
    { name: '/health', path: '/health', status: 200 },
    { name: '/user/check, no token', path: '/user/check', status: 200 },
    { name: '/user/check, user token', path: '/user/check', status: 200, headers: { authorization: `Bearer ${userToken}` } },
  ];
  const check = await fetch(`${stack.urls.gateway}/user/check`, { headers: targets[3]?.headers });
  if (!((await check.json()) as { authenticated?: boolean }).authenticated) throw new Error('the user token is not accepted');

  const { envoy, servers, postgresql } = stackProcesses(stack);
  const groups: ProcessGroups = { 'load generator': () => [process.pid], envoy, servers, postgresql };

  const results = new Map<string, { perSecond: number; p50: number; p99: number; wrong: number; cpuUsPerRequest: Record<string, number> }>();
  for (const target of targets.filter((candidate) => candidate.name.includes(process.env.BENCH_ONLY ?? ''))) {
    const options = { url: `${stack.urls.gateway}${target.path}`, headers: target.headers, connections };
    await autocannon({ ...options, duration: sized(2, 1) });
    const { result: run, usPerUnit } = await cpuPerUnit(groups, () => autocannon({ ...options, duration: seconds }), (done) => done.requests.total);
    const wrong = run.non2xx - (target.status === 404 ? run.requests.total : 0) + run.errors + run.timeouts;
    results.set(target.name, { perSecond: run.requests.average, p50: run.latency.p50, p99: run.latency.p99, wrong, cpuUsPerRequest: usPerUnit });
  }

  console.log(`\ngateway, ${connections} connections, ${seconds} s each (autocannon, in the benchmark's process)\n`);
  console.log('                                      req/s   p50 ms   p99 ms');
  for (const [name, result] of results) {
    console.log(`${name.padEnd(36)} ${result.perSecond.toFixed(0).padStart(7)} ${result.p50.toFixed(1).padStart(8)} ${result.p99.toFixed(1).padStart(8)}${result.wrong ? `   ${result.wrong} unexpected answers` : ''}`);
  }
  console.log(`\nCPU time per request (µs), by process (2 s of warm-up excluded; ${availableParallelism()} cores)\n`);
  console.log(`${''.padEnd(36)} ${Object.keys(groups).map((name) => name.padStart(15)).join('')}`);
  for (const [name, result] of results) {
    console.log(`${name.padEnd(36)} ${Object.values(result.cpuUsPerRequest).map((us) => us.toFixed(0).padStart(15)).join('')}`);
  }
  const rate = (name: string) => results.get(name)?.perSecond ?? Number.NaN;
  console.log(`\nratio /user/check without a token ÷ Envoy's local reply: ${(rate('/user/check, no token') / rate("Envoy's local reply (unknown route)")).toFixed(2)}`);
  console.log(`ratio /user/check with a user token ÷ without:           ${(rate('/user/check, user token') / rate('/user/check, no token')).toFixed(2)}`);
  console.log(`ratio /health ÷ Envoy's local reply:                     ${(rate('/health') / rate("Envoy's local reply (unknown route)")).toFixed(2)}\n`);
} finally {
  await stack.dispose();
}
