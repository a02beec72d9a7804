/**
 * Node flags the worker process must start with. They size V8's heap, which
 * is fixed when the process starts (`v8.setFlagsFromString` in the process
 * is too late for them), so whatever starts a worker passes them: the stack
 * on its command line, the Helm chart and docker-compose as NODE_OPTIONS.
 *
 * A young generation of 1 MB: a load streams the file's bytes through
 * buffers that live for one chunk, and V8 frees a buffer's memory only when
 * a garbage collection finds it dead. With the default young generation the
 * loader allocates too few JavaScript objects to fill it, so no scavenge
 * runs; the buffers pile up as "external memory" until V8 starts a full
 * mark-compact of the worker's whole heap (~100 MB: the Temporal SDK, the
 * workflow bundle, clients) — four or five of them per million rows in
 * bench:load. A small young generation is scavenged every few chunks and the
 * buffers go with it.
 *
 * (The old generation's room to grow, which the small young generation
 * needs, is set from inside the process: workflows/v8-tuning.ts.)
 *
 * In bench:load (2026-12-07, docs/performance.md), with that room, the
 * worker's CPU per row went from 1.3–2.5 µs to 0.45–0.85 µs at 1M–3M rows.
 */
export const workerNodeFlags = ['--max-semi-space-size=1'];
