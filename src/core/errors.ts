/**
 * The ways a core operation can fail, independent of any transport. The RPC
 * layer maps each kind to a gRPC status in one table (rpc/status.mapper.ts).
 */
export type ErrorKind =
  | 'invalid-argument'
  | 'unprocessable'
  | 'unauthenticated'
  | 'permission-denied'
  | 'not-found'
  | 'already-exists'
  | 'unavailable'
  | 'not-implemented';

/** An expected failure with a message safe to show the caller. */
export class CoreError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'CoreError';
  }
}
