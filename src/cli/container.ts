/**
 * The container image's entry point: `server` (default), `worker` or
 * `migrate` — the three processes a deployment runs from one image.
 */
import { containerCommands } from './container-commands.js';

const [command = 'server'] = process.argv.slice(2);
const entry = Object.hasOwn(containerCommands, command) ? containerCommands[command] : undefined;
if (!entry) {
  process.stderr.write(`usage: server | worker | migrate (got ${JSON.stringify(command)})\n`);
  process.exit(2);
}
await import(new URL(entry, import.meta.url).href);
