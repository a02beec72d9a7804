/**
 * Loaded before a process's own code (`node --import
 * ./dist/src/adapters/telemetry/instrument.js <entry>`): starts tracing when an
 * OTLP endpoint is configured, and does nothing otherwise.
 */
import { startTracing } from './tracing.js';

const isWorker = /workflows[/\\]worker\.js$/.test(process.argv[1] ?? '') || process.argv.slice(2).includes('worker');
await startTracing(isWorker ? 'conductor-worker' : 'conductor-server');
