/** The container image's commands and the built files they run (relative to dist/src/cli/). */
export const containerCommands: Record<string, string> = {
  server: '../main.js',
  worker: '../../workflows/worker.js',
  migrate: './migrate.js',
};
