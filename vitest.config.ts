import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The whole stack (PostgreSQL, MinIO, Elasticsearch, Temporal, Envoy,
    // Conductor's server and worker) starts once per run; tests isolate
    // themselves by database, index and bucket names.
    globalSetup: ['test/setup/stack.global.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Files run one after the other: they share one stack and one local OAuth
    // provider whose "next user to log in" is global, so parallel logins
    // could swap users. (On two cores, parallel files gained little anyway.)
    fileParallelism: false,
  },
});
