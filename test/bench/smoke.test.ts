/**
 * Every `npm run bench:*` script, run end to end with tiny sizes
 * (BENCH_SMOKE=1: each starts its own stack on free ports, measures a few
 * requests or rows, prints its report and stops), so none can break
 * unnoticed between the runs that measure. Nothing here is timed or compared.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/stack/paths.ts';

/** Each benchmark and a line its report ends with. */
const benchmarks: [name: string, reportLine: RegExp][] = [
  ['datastore', /^ratio = through Envoy ÷ in-process/m],
  ['search', /^query +\| in flight \| through Envoy/m],
  ['wot', /^work order tokens, \d+ each/m],
  ['load', /^ratio worker peak 3,000 ÷ 2,000: \d/m],
  ['gateway', /^gateway, \d+ connections/m],
  ['soak', /^ratio \(RSS after idle ÷ RSS warmed up\): \d/m],
];

describe('the benchmarks still run', () => {
  it.each(benchmarks)('bench:%s', async (name, reportLine) => {
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
      // bench:load also samples PostgreSQL's wait events (BENCH_WAIT_EVENTS), so that path runs too.
      execFile(process.execPath, [join(repoRoot, 'scripts', 'bench', `${name}.ts`)], { cwd: repoRoot, env: { ...process.env, BENCH_SMOKE: '1', BENCH_WAIT_EVENTS: '1' }, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
        done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      ),
    );
    expect(result.code, `${result.stdout.slice(-2000)}\n${result.stderr.slice(-2000)}`).toBe(0);
    expect(result.stdout).toMatch(reportLine);
    if (name === 'load') expect(result.stdout).toMatch(/^ +2000 rows \| workflow's COPY backends: /m);
  }, 300_000);
});
