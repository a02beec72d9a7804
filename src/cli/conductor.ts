#!/usr/bin/env node
/** The `conductor` command (package.json `bin`): see cli/conductor/main.ts. */
import { run } from './conductor/main.js';

process.exitCode = await run(process.argv.slice(2));
