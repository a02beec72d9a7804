/** Told of every RPC's end, with its gRPC code name and duration (the server's metrics). */
export interface CallObserver {
  callEnded(method: string, code: string, seconds: number): void;
}
