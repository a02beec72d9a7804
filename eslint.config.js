// Lint: typescript-eslint's recommended rules plus the import rules that keep
// the architecture visible (see README "Layout"): core depends only on ports,
// generated code stays behind rpc/, and workflow code stays deterministic.
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'src/gen/**', 'clients/ts/src/gen/**', 'clients/ts/dist/**', 'clients/**/node_modules/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/ports/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/adapters/**', '**/rpc/**', '**/gen/**', '**/config/**'], message: 'core and ports depend only on ports and themselves' },
            { group: ['@grpc/*', '@mikro-orm/*', 'minio', '@elastic/*', '@temporalio/*', 'pg'], message: 'no framework reaches core: put it behind a port' },
            { group: ['**/workflows/**'], message: 'core and ports own the load types; workflows/ depends on core, never the reverse' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/adapters/**/*.ts', 'src/config/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/rpc/**', '**/gen/**'], message: 'only rpc/ (and tests) use the generated gRPC code' }] },
      ],
    },
  },
  {
    // Workflow code is replayed: no I/O, no clocks, no randomness outside the Temporal SDK.
    files: ['workflows/workflows/**/*.ts', 'workflows/shared.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'workflow code must be deterministic: Node built-ins belong in activities' })),
          patterns: [
            { group: ['**/src/**', '!**/src/core/**'], message: 'workflow code imports only workflows/shared, core types and activity types' },
            { group: ['**/src/core/**'], allowTypeImports: true, message: 'workflow code uses core types only (core code may do I/O-free work, but is not replay-checked)' },
            { group: ['**/activities/**'], allowTypeImports: true, message: 'activities are imported as types only (proxyActivities)' },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'setTimeout', message: 'use sleep() from @temporalio/workflow' }, { name: 'fetch', message: 'I/O belongs in activities' }],
    },
  },
);
