import { inject } from 'vitest';

/** Where the stack of this test run is (provided by the global setup). */
export interface TestStack {
  gateway: string;
  grpc: string;
  temporal: string;
  temporalUi: string;
  envoyAdmin: string;
  databaseUrl: string;
  elasticsearchUrl: string;
  s3Endpoint: string;
  s3AccessKey: string;
  s3SecretKey: string;
  s3Bucket: string;
  taskQueue: string;
  envoyBinary: string;
  /** Helm and kubeconform, installed with the stack (the chart's checks). */
  helmBinary: string;
  kubeconformBinary: string;
  logDir: string;
  /** Base URL of the local OAuth provider standing in for Google and GitHub. */
  oauthProvider: string;
  /** The one origin a login may return to (CONDUCTOR_ALLOWED_ORIGINS). */
  appOrigin: string;
  /** The demo web app (test/browser/app) on an allowed origin. */
  appUrl: string;
  /** The service's private key, for tests that forge near-valid tokens. */
  signingKeyFile: string;
  /** The secret internal callers sign their tokens with (SetPermissions, dataset grants). */
  internalSecretFile: string;
  /** The private key of a second trusted issuer of internal access tokens (GHGA's auth service stands in; no kid). */
  ghgaIssuerKeyFile: string;
  /** The key Conductor signs internal access tokens with (tests mint GHGA-style tokens with it). */
  workPackageInternalKeyFile: string;
  /** The key work order tokens are signed with (tests verify with its public half). */
  workOrderSigningKeyFile: string;
  /** The HTTP listener port of each server process (each has its own /metrics). */
  serverHttpPorts: number[];
  /** The environment Conductor's server and worker run with (a test can start a worker of its own). */
  conductorEnv: Record<string, string>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: TestStack;
  }
}

/** The running stack's addresses. */
export function testStack(): TestStack {
  return inject('stack');
}
