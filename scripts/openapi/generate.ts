/**
 * The OpenAPI document of the JSON API, made from the protos: buf runs
 * protoc-gen-openapiv2 over proto/ (one merged Swagger 2.0 file), Scalar's
 * upgrader lifts it to OpenAPI 3.1, and corrections.ts adds what the
 * bindings cannot say. The result is committed as docs/openapi.json (served
 * at /openapi.json and /docs) and checked for staleness like src/gen.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { upgrade } from '@scalar/openapi-upgrader';
import { repoRoot } from '../stack/paths.ts';
import { runCommand } from '../stack/run-command.ts';
import { correct } from './corrections.ts';

/** Where the committed document lives. */
export const openapiFile = join(repoRoot, 'docs', 'openapi.json');

/** Generates the document with the given protoc-gen-openapiv2 binary and returns its text. */
export async function generateOpenapi(plugin: string, logFile: string): Promise<string> {
  const scratch = mkdtempSync(join(tmpdir(), 'conductor-openapi-'));
  try {
    // Managed mode gives the Go plugin the go_package it insists on; it does not change the output.
    const template = [
      'version: v2',
      'managed:',
      '  enabled: true',
      '  override:',
      '    - file_option: go_package_prefix',
      '      value: conductor/gen',
      'plugins:',
      `  - local: ${plugin}`,
      `    out: ${scratch}`,
      '    strategy: all',
      '    opt: [allow_merge=true, merge_file_name=conductor, json_names_for_fields=false, omit_enum_default_value=true]',
    ].join('\n');
    writeFileSync(join(scratch, 'buf.gen.yaml'), template);
    await runCommand(join(repoRoot, 'node_modules', '.bin', 'buf'), ['generate', '--template', join(scratch, 'buf.gen.yaml')], { cwd: repoRoot, logFile });
    const swagger = JSON.parse(readFileSync(join(scratch, 'conductor.swagger.json'), 'utf8')) as Record<string, unknown>;
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    return `${JSON.stringify(correct(upgrade(swagger, '3.1'), version), null, 2)}\n`;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
