/**
 * Vitest global setup: starts the real stack once for the run, on free ports
 * and in a fresh data folder, hands its addresses to the tests, and stops it
 * (and removes the folder) at the end.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { installStack } from '../../scripts/stack/install.ts';
import { freePort } from '../../scripts/stack/ports.ts';
import { freeStackPorts, startStack } from '../../scripts/stack/stack.ts';
import { startAppServer } from '../browser/app-server.ts';
import { startOAuthProvider } from '../support/oauth-provider.ts';
import type { TestStack } from './test-stack.ts';
import { credentialsInLogs } from './log-scan.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const installed = await installStack();
  const dataDir = mkdtempSync(join(tmpdir(), 'conductor-test-'));
  const ports = await freeStackPorts();
  // The stack's worker serves its Prometheus metrics here (the workers tests start themselves serve none).
  const workerMetricsPort = await freePort();
  const keepData = Boolean(process.env.CONDUCTOR_KEEP_TEST_DATA);
  // Stands in for Google and GitHub (the only stand-in allowed): Conductor's provider endpoints point at it.
  const oauth = await startOAuthProvider();
  const appOrigin = 'http://app.example.test';
  // Another trusted issuer of internal access tokens (GHGA's auth service in a real deployment): its tokens carry no kid.
  const ghgaIssuer = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ghgaIssuerKeyFile = join(dataDir, 'ghga-issuer-key.pem');
  writeFileSync(ghgaIssuerKeyFile, ghgaIssuer.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  // A real web app origin for the browser test of the auth library.
  const app = await startAppServer(`http://127.0.0.1:${ports.gateway}`);
  const stack = await startStack(
    {
      dataDir,
      logDir: join(dataDir, 'logs'),
      ports,
      gatewayHost: '127.0.0.1',
      publicHost: '127.0.0.1',
      corsOrigins: [appOrigin, app.url],
      elasticsearchHeap: '512m',
      postgresPassword: 'test-password',
      minioUser: 'conductor-test',
      minioPassword: 'conductor-test-secret',
      extraEnv: {
        // Every request's line is written, so the no-secrets-in-logs test reads what an operator's logs would hold.
        LOG_LEVEL: 'info',
        CONDUCTOR_ALLOWED_ORIGINS: `${appOrigin},${app.url}`,
        GOOGLE_KEY: oauth.clients.google.id,
        GOOGLE_SECRET: oauth.clients.google.secret,
        GOOGLE_AUTHORIZE_URL: oauth.google.authorizeUrl,
        GOOGLE_ACCESS_URL: oauth.google.accessUrl,
        GOOGLE_PROFILE_URL: oauth.google.profileUrl,
        GITHUB_KEY: oauth.clients.github.id,
        GITHUB_SECRET: oauth.clients.github.secret,
        GITHUB_AUTHORIZE_URL: oauth.github.authorizeUrl,
        GITHUB_ACCESS_URL: oauth.github.accessUrl,
        GITHUB_PROFILE_URL: oauth.github.profileUrl,
        GITHUB_EMAILS_URL: oauth.github.emailsUrl,
        CONDUCTOR_PERMISSION_PROVIDERS: 'os.admin:admins',
        CONDUCTOR_AUTH_EXTENSIONS: 'audit-log',
        CONDUCTOR_ADMINS: createHash('md5').update('admin@example.test').digest('hex'),
        // Allowed by the host policy, yet resolving to loopback: loads from it must fail at the address check.
        PACKAGE_ALLOWED_HOSTS: 'localhost',
        CONDUCTOR_LOCAL_LOGIN: '1',
        TEMPORAL_WORKER_METRICS_ADDRESS: `127.0.0.1:${workerMetricsPort}`,
        WORK_PACKAGE_AUTH_KEYS: JSON.stringify({ keys: [{ ...ghgaIssuer.publicKey.export({ format: 'jwk' }), alg: 'ES256', use: 'sig' }] }),
      },
    },
    installed,
  ).catch(async (error: unknown) => {
    if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    await oauth.close();
    await app.close();
    throw error;
  });
  const env = stack.conductorEnv;
  const provided: TestStack = {
    gateway: stack.urls.gateway,
    grpc: stack.urls.grpc,
    serverHttpPorts: stack.servers.map((server) => server.http),
    temporal: stack.urls.temporal,
    temporalUi: stack.urls.temporalUi,
    envoyAdmin: `http://127.0.0.1:${ports.envoyAdmin}`,
    databaseUrl: stack.urls.postgres,
    elasticsearchUrl: stack.urls.elasticsearch,
    s3Endpoint: stack.urls.minio,
    s3AccessKey: String(env.S3_ACCESS_KEY),
    s3SecretKey: String(env.S3_SECRET_KEY),
    s3Bucket: 'conductor-datastore',
    taskQueue: 'conductor-loads',
    envoyBinary: installed.envoy,
    helmBinary: installed.helm,
    kubeconformBinary: installed.kubeconform,
    logDir: stack.logDir,
    oauthProvider: oauth.url,
    appOrigin,
    appUrl: app.url,
    signingKeyFile: String(env.CONDUCTOR_SIGNING_KEY_FILE),
    internalSecretFile: String(env.CONDUCTOR_INTERNAL_SECRET_FILE),
    ghgaIssuerKeyFile,
    workPackageInternalKeyFile: String(env.WORK_PACKAGE_INTERNAL_KEY_FILE),
    workOrderSigningKeyFile: String(env.WORK_PACKAGE_SIGNING_KEY_FILE),
    conductorEnv: Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string')),
  };
  project.provide('stack', provided);
  return async () => {
    await stack.stop();
    await oauth.close();
    await app.close();
    // After every test has run, no log of the stack may hold a credential (the contract: none in any log).
    const leaks = credentialsInLogs(stack.logDir);
    if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    if (leaks.length > 0) throw new Error(`Credentials found in the stack's logs after the run:\n${leaks.join('\n')}`);
  };
}
