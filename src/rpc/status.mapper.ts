import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { CoreError, type ErrorKind } from '../core/errors.js';
import { isBackendUnavailable } from './backend-unavailable.js';

/** The one table from core error kinds to gRPC status codes (Envoy then picks the HTTP status). */
const statusOf: Record<ErrorKind, status> = {
  'invalid-argument': status.INVALID_ARGUMENT,
  // No gRPC code means 422; INVALID_ARGUMENT plus `x-http-status: 422` (see envoy/gateway.lua).
  unprocessable: status.INVALID_ARGUMENT,
  unauthenticated: status.UNAUTHENTICATED,
  'permission-denied': status.PERMISSION_DENIED,
  'not-found': status.NOT_FOUND,
  'already-exists': status.ALREADY_EXISTS,
  unavailable: status.UNAVAILABLE,
  'not-implemented': status.UNIMPLEMENTED,
};

/** Turns whatever a handler threw into a gRPC error; unexpected errors never leak their details. */
export function toServiceError(error: unknown): Partial<ServiceError> & { unexpected: boolean; backendDown?: boolean } {
  if (error instanceof CoreError) {
    const metadata = new Metadata();
    if (error.kind === 'unprocessable') metadata.set('x-http-status', '422');
    return { code: statusOf[error.kind], details: error.message, metadata, unexpected: false };
  }
  if (isBackendUnavailable(error)) return { code: status.UNAVAILABLE, details: 'A backend is unavailable; try again shortly', unexpected: false, backendDown: true };
  return { code: status.INTERNAL, details: 'Internal error; it has been logged', unexpected: true };
}
