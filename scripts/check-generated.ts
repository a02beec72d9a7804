/**
 * Fails when src/gen or docs/openapi.json is not what `npm run generate`
 * makes from proto/ (someone edited the contract and forgot to regenerate).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { generateOpenapi, openapiFile } from './openapi/generate.ts';
import { installOpenapiGenerator } from './stack/parts/openapi-generator.ts';
import { repoRoot } from './stack/paths.ts';
import { runCommand } from './stack/run-command.ts';

export async function checkGenerated(logFile: string): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'conductor-gen-'));
  try {
    const template = join(scratch, 'buf.gen.yaml');
    const config = readFileSync(join(repoRoot, 'buf.gen.yaml'), 'utf8')
      .replace('out: src/gen', `out: ${join(scratch, 'gen')}`)
      .replace('local: node_modules/', `local: ${join(repoRoot, 'node_modules')}/`);
    writeFileSync(template, config);
    await runCommand(join(repoRoot, 'node_modules', '.bin', 'buf'), ['generate', '--template', template], { cwd: repoRoot, logFile });
    const fresh = listFiles(join(scratch, 'gen'));
    const committed = listFiles(join(repoRoot, 'src', 'gen'));
    const stale = [...new Set([...fresh.keys(), ...committed.keys()])].filter((file) => fresh.get(file) !== committed.get(file));
    if (stale.length) {
      throw new Error(`src/gen is stale (run \`npm run generate\` and commit): ${stale.join(', ')}`);
    }
    const openapi = await generateOpenapi(await installOpenapiGenerator(logFile), logFile);
    if (openapi !== readFileSync(openapiFile, 'utf8')) {
      throw new Error('docs/openapi.json is stale (run `npm run generate` and commit)');
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function listFiles(root: string, dir = root, found = new Map<string, string>()): Map<string, string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) listFiles(root, path, found);
    else found.set(relative(root, path), readFileSync(path, 'utf8'));
  }
  return found;
}

if (import.meta.main) await checkGenerated(join(tmpdir(), 'conductor-check-generated.log'));
