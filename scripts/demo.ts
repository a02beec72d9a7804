/**
 * `npm run demo`: with the stack of `npm start` running, logs in through its
 * local login as a demo user and loads the demo Fiscal Data Packages of
 * test/fixtures/ with `conductor load --follow`, showing each load's
 * progress. Afterwards /search/package finds them, /package/stats counts
 * them and the Temporal UI lists the loads (load:<owner>:<dataset>).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './stack/paths.ts';

const cli = join(repoRoot, 'dist', 'src', 'cli', 'conductor.js');
if (!existsSync(cli)) {
  process.stderr.write('No build found: start the stack first (npm start), then run npm run demo in another terminal.\n');
  process.exit(2);
}
const gatewayUrl = process.env.CONDUCTOR_URL ?? `http://localhost:${process.env.CONDUCTOR_GATEWAY_PORT ?? '8080'}`;
// The local login returns to an allowed origin: npm start allows its CORS origins.
const next = `${(process.env.CONDUCTOR_CORS_ORIGINS ?? 'http://localhost:3000').split(',')[0]?.trim()}/`;
const env = { ...process.env, CONDUCTOR_URL: gatewayUrl };
const conductor = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit', env }).status ?? 1;

if (conductor('login', '--name', 'Demo User', '--email', 'demo@example.org', '--next', next) !== 0) process.exit(1);
const fixtures = join(repoRoot, 'test', 'fixtures');
const folders = ['fdp', 'fdp-1.0'].flatMap((group) =>
  readdirSync(join(fixtures, group), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(fixtures, group, entry.name)),
);
let failed = 0;
for (const folder of folders) {
  process.stdout.write(`\n${folder.slice(repoRoot.length + 1)}\n`);
  if (conductor('load', folder, '--follow') !== 0) failed += 1;
}
process.stdout.write(`
Loaded ${folders.length - failed} of ${folders.length} demo packages. Try:
  curl '${gatewayUrl}/package/stats'
  curl '${gatewayUrl}/search/package?q=%22budget%22'        (published packages; the demo's are private until published)
  and the Temporal UI: its workflows are named load:<owner>:<dataset>
`);
process.exit(failed === 0 ? 0 : 1);
