/**
 * Builds what runs: the descriptor set Envoy and gRPC reflection read (from
 * proto/ with buf) and the compiled TypeScript in dist/. `buf generate` is
 * separate (`npm run generate`): generated code is committed and checked.
 */
import { join } from 'node:path';
import { say } from './stack/log.ts';
import { repoRoot } from './stack/paths.ts';
import { runCommand } from './stack/run-command.ts';

export async function build(logFile: string): Promise<void> {
  const bin = (name: string) => join(repoRoot, 'node_modules', '.bin', name);
  say('build', 'descriptor set (buf build) and TypeScript (tsc)');
  await runCommand(bin('buf'), ['build', '--as-file-descriptor-set', '-o', join(repoRoot, 'envoy', 'descriptor.pb')], { cwd: repoRoot, logFile });
  // gRPC health's schema, as grpc-health-check ships it, for server reflection (compiled, not copied into the repository).
  await runCommand(bin('buf'), ['build', join('node_modules', 'grpc-health-check', 'proto'), '--as-file-descriptor-set', '-o', join(repoRoot, 'envoy', 'health.pb')], { cwd: repoRoot, logFile });
  await runCommand(bin('tsc'), ['-p', 'tsconfig.build.json'], { cwd: repoRoot, logFile });
}

if (import.meta.main) {
  await build(join(repoRoot, 'build.log'));
}
