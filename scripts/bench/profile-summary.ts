/**
 * Prints where a V8 CPU profile (`node --cpu-prof`) spent its time: self time
 * by function, and total time by package (node_modules/<name>, node:
 * internals, Conductor's own dist/ code, GC, idle).
 *   node scripts/bench/profile-summary.ts <file.cpuprofile> [top (25)] [from (s, 0)]
 * `from` skips the samples of the process's first seconds (its start), so
 * the summary shows the benchmark's load alone.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topText, fromText] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node scripts/bench/profile-summary.ts <file.cpuprofile> [top] [from seconds]\n');
  process.exit(2);
}
const top = Number(topText ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfMs = new Map<number, number>();
const fromMs = Number(fromText ?? 0) * 1000;
let elapsedMs = 0;
profile.samples.forEach((id, index) => {
  const deltaMs = (profile.timeDeltas[index] ?? 0) / 1000;
  elapsedMs += deltaMs;
  if (elapsedMs >= fromMs) selfMs.set(id, (selfMs.get(id) ?? 0) + deltaMs);
});
const totalMs = [...selfMs.values()].reduce((sum, ms) => sum + ms, 0);

/** Where a frame's code comes from. */
function origin(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (module) return module[1] as string;
  return /\/dist\//.test(url) ? 'conductor' : url.split('/').slice(-2).join('/');
}

const byFunction = new Map<string, number>();
const byOrigin = new Map<string, number>();
for (const [id, ms] of selfMs) {
  const { functionName, url, lineNumber } = (byId.get(id) as ProfileNode).callFrame;
  const where = origin(url, functionName);
  const key = `${functionName || '(anonymous)'}  ${where}${url ? `:${url.split('/').at(-1)}:${lineNumber + 1}` : ''}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
  byOrigin.set(where, (byOrigin.get(where) ?? 0) + ms);
}
const print = (title: string, rows: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [name, ms] of [...rows].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((ms / totalMs) * 100).toFixed(1).padStart(5)} %  ${ms.toFixed(0).padStart(7)} ms  ${name}`);
  }
};
console.log(`${file}: ${(totalMs / 1000).toFixed(1)} s sampled`);
print('self time by origin', byOrigin);
print('self time by function', byFunction);
