/** `npm run generate`: the TypeScript of the contract (src/gen, ts-proto) and its OpenAPI document (docs/openapi.json). */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateOpenapi, openapiFile } from './openapi/generate.ts';
import { say } from './stack/log.ts';
import { installOpenapiGenerator } from './stack/parts/openapi-generator.ts';
import { repoRoot } from './stack/paths.ts';
import { runCommand } from './stack/run-command.ts';

const logFile = join(tmpdir(), 'conductor-generate.log');
await runCommand(join(repoRoot, 'node_modules', '.bin', 'buf'), ['generate'], { cwd: repoRoot, logFile });
say('generate', 'src/gen');
writeFileSync(openapiFile, await generateOpenapi(await installOpenapiGenerator(logFile), logFile));
say('generate', 'docs/openapi.json');
