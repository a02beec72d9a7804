/**
 * Whether an error means a backend (PostgreSQL, Elasticsearch, MinIO,
 * Temporal) could not be reached, rather than a bug: such calls answer gRPC
 * UNAVAILABLE (HTTP 503, "try again") and the server recovers by itself once
 * the backend is back (the drivers reconnect). Recognised by the shape the
 * real drivers give these errors (a test raises them against closed ports).
 */
import { CoreError } from '../core/errors.js';

const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);
/** PostgreSQL SQLSTATEs of a server that is not there: connection exceptions (08), shutting down or starting (57P01–57P03), too many connections. */
const postgresUnavailable = /^(08\d{3}|57P0[123]|53300)$/;
/** Elasticsearch client and MikroORM error names for an unreachable server. */
const unavailableNames = new Set(['ConnectionError', 'NoLivingConnectionsError', 'TimeoutError', 'ConnectionException']);
const grpcUnavailable = 14;

export function isBackendUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 6; current = (current as { cause?: unknown }).cause, depth += 1) {
    // Conductor's own errors are decided by their kind, never by their words.
    if (typeof current !== 'object' || current instanceof CoreError) return false;
    const { code, name, message } = current as { code?: unknown; name?: unknown; message?: unknown };
    if (typeof code === 'string' && (networkCodes.has(code) || postgresUnavailable.test(code))) return true;
    // Temporal's client: a gRPC UNAVAILABLE from its frontend.
    if (code === grpcUnavailable && name !== undefined) return true;
    if (typeof name === 'string' && unavailableNames.has(name)) return true;
    if (typeof message === 'string' && /Connection terminated|connection to server .* failed|Client has encountered a connection error|Failed to connect before the deadline/i.test(message)) return true;
  }
  return false;
}
