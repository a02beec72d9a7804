/**
 * The holes an attacker found, each reproduced: internal methods through the
 * public gateway, another user's upload pulled into a load, internal details
 * in public load errors, and the smaller ones (bad percent-encoding,
 * prototype keys as filters, long login URLs, lost OAuth sessions, tokens
 * from the future).
 */
import { execFile } from 'node:child_process';
import { createHash, createPrivateKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/stack/paths.ts';
import { JoseInternalCredentials } from '../../src/adapters/keys/internal-credentials.adapter.ts';
import { AuthServiceClient } from '../../src/gen/conductor/auth/v1/auth.js';
import { WorkPackageServiceClient } from '../../src/gen/conductor/workpackage/v1/workpackage.js';
import { factTableFor } from '../../src/core/packages/table-names.ts';
import { internalMetadata } from '../support/internal.ts';
import { logIn, loginUrlFor, uniqueUser } from '../support/login.ts';
import { follow, sql, startLoad, uploadPackage } from '../support/packages.ts';
import { testStack } from '../setup/test-stack.ts';
import { gateway } from './http.ts';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const gatewayAuthority = () => new URL(testStack().gateway).host;

function unary<Response>(invoke: (callback: (error: ServiceError | null, response: Response) => void) => void): Promise<Response> {
  return new Promise((done, fail) => invoke((error, response) => (error ? fail(error) : done(response))));
}

async function permissionsOf(userToken: string, service: string): Promise<unknown> {
  return ((await gateway(`/user/authorize?service=${service}`, bearer(userToken))).json as { permissions: unknown }).permissions;
}

describe('internal methods', () => {
  it('cannot be reached through the public gateway with native gRPC', async () => {
    const user = uniqueUser();
    const token = await logIn('google', user);
    const client = new AuthServiceClient(gatewayAuthority(), credentials.createInsecure());
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    const error = await unary((callback) => client.setPermissions({ userid: md5(user.email), service: 'os.evil', permissions: { admin: true } }, metadata, callback)).catch((caught: ServiceError) => caught);
    client.close();
    expect((error as ServiceError).code).toBe(status.PERMISSION_DENIED);
    expect(await permissionsOf(token, 'os.evil')).toEqual({});
  });

  it('are refused on the gRPC port without an internal token, or with a user token or a token of another secret', async () => {
    const user = uniqueUser();
    const userToken = await logIn('google', user);
    const foreign = await new JoseInternalCredentials(randomBytes(32)).issue('intruder');
    const auth = new AuthServiceClient(testStack().grpc, credentials.createInsecure());
    const workPackages = new WorkPackageServiceClient(testStack().grpc, credentials.createInsecure());
    for (const [label, token] of [['none', undefined], ['user token', userToken], ['another secret', foreign], ['garbage', 'x.y.z']] as const) {
      const metadata = new Metadata();
      if (token) metadata.set('authorization', `Bearer ${token}`);
      // Each refusal is caught as the call is made: awaiting them one by one would leave the later ones unhandled for a moment.
      const calls = [
        unary((callback) => auth.setPermissions({ userid: md5(user.email), service: 'os.evil', permissions: { admin: true } }, metadata, callback)),
        unary((callback) => workPackages.grantDatasetAccess({ userId: md5(user.email), datasetId: 'someone:private' }, metadata, callback)),
        unary((callback) => workPackages.revokeDatasetAccess({ userId: md5(user.email), datasetId: 'someone:private' }, metadata, callback)),
      ].map((call) => call.catch((caught: ServiceError) => caught));
      for (const call of calls) {
        const error = await call;
        expect((error as ServiceError).code, label).toBe(status.UNAUTHENTICATED);
        expect((error as ServiceError).details, label).toMatch(/^Internal method: /);
      }
    }
    expect(await permissionsOf(userToken, 'os.evil')).toEqual({});
    // The internal credential itself works.
    const metadata = await internalMetadata();
    await unary((callback) => auth.setPermissions({ userid: md5(user.email), service: 'os.granted', permissions: { admin: true } }, metadata, callback));
    expect(await permissionsOf(userToken, 'os.granted')).toEqual({ admin: true });
    auth.close();
    workPackages.close();
  });

  it('the operator CLIs call them as internal callers, and say what is missing without the secret', async () => {
    const user = uniqueUser();
    const token = await logIn('google', user);
    const [host, port] = testStack().grpc.split(':') as [string, string];
    const cli = (name: string, args: string[], secretFile?: string) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
        const env = { PATH: process.env.PATH, CONDUCTOR_GRPC_HOST: host, CONDUCTOR_GRPC_PORT: port, ...(secretFile ? { CONDUCTOR_INTERNAL_SECRET_FILE: secretFile } : {}) };
        execFile(process.execPath, [join(repoRoot, 'dist', 'src', 'cli', `${name}.js`), ...args], { env }, (error, stdout, stderr) => done({ code: error ? (error.code as number) : 0, stdout, stderr }));
      });
    const granted = await cli('set-permissions', [md5(user.email), 'os.cli', '{"admin":true}'], testStack().internalSecretFile);
    expect(granted).toMatchObject({ code: 0, stdout: '{"admin":true}\n' });
    expect(await permissionsOf(token, 'os.cli')).toEqual({ admin: true });
    const refused = await cli('set-permissions', [md5(user.email), 'os.cli', '{"admin":false}']);
    expect(refused).toMatchObject({ code: 2, stderr: expect.stringContaining('CONDUCTOR_INTERNAL_SECRET') });
    expect(await permissionsOf(token, 'os.cli')).toEqual({ admin: true });
    expect(await cli('dataset-access', ['grant', md5(user.email), 'nobody:nothing'], testStack().internalSecretFile)).toMatchObject({ code: 0, stdout: expect.stringContaining('granted') });
    expect(await cli('dataset-access', ['revoke', md5(user.email), 'nobody:nothing'], testStack().internalSecretFile)).toMatchObject({ code: 0, stdout: expect.stringContaining('revoked') });
    expect(await cli('dataset-access', ['steal', 'x', 'y'], testStack().internalSecretFile)).toMatchObject({ code: 2, stderr: expect.stringContaining('usage') });
  });

  it('every application/grpc* content type gets a JSON 403 on the public listener, whatever the route', async () => {
    for (const contentType of ['application/grpc', 'application/grpc+proto', 'application/grpc-web', 'application/grpc-web-text', 'Application/GRPC']) {
      for (const path of ['/conductor.auth.v1.AuthService/SetPermissions', '/user/check', '/oauth/login/google']) {
        const reply = await gateway(path, { method: 'POST', headers: { 'content-type': contentType }, body: '{}' });
        expect(reply.status, `${contentType} ${path}`).toBe(403);
        expect(reply.json, `${contentType} ${path}`).toEqual({ code: 7, message: expect.stringContaining('JSON API only'), details: [] });
      }
    }
  });
});

describe('loads', () => {
  const descriptor = readFileSync(new URL('../fixtures/fdp/al-treasury-spending/datapackage.json', import.meta.url));
  const csv = readFileSync(new URL('../fixtures/fdp/al-treasury-spending/data/treasury.csv', import.meta.url));

  it("cannot read another user's private upload, and the public error shows none of it", async () => {
    const bob = uniqueUser();
    const bobToken = await logIn('google', bob);
    const secret = `secret-${randomBytes(4).toString('hex')}`;
    const bobFiles = { 'datapackage.json': descriptor, 'data/treasury.csv': Buffer.from(csv.toString().replace(/\n([^\n,]*),/, `\n${secret},`)) };
    const bobUrl = await uploadPackage(bobToken, md5(bob.email), `bob-${randomBytes(2).toString('hex')}`, bobFiles);
    const bobCsvUrl = bobUrl.replace(/datapackage\.json$/, 'data/treasury.csv');

    const alice = uniqueUser();
    const aliceToken = await logIn('google', alice);
    const stealing = JSON.parse(descriptor.toString());
    stealing.resources[0].path = bobCsvUrl;
    const name = `alice-${randomBytes(2).toString('hex')}`;
    const aliceUrl = await uploadPackage(aliceToken, md5(alice.email), name, { 'datapackage.json': Buffer.from(JSON.stringify(stealing)) });
    expect((await startLoad(aliceToken, aliceUrl)).status).toBe(200);
    const { last } = await follow(aliceUrl);
    expect(last).toMatchObject({ status: 'fail', error: expect.stringContaining("not in the owner's datastore folder") });
    expect(JSON.stringify(last)).not.toContain(secret);
    expect(JSON.stringify(last)).not.toContain(md5(bob.email));
    const tables = await sql<{ table_name: string }>('select table_name from information_schema.tables where table_name = $1', [factTableFor(`${md5(alice.email)}:${name}`)]);
    expect(tables).toEqual([]);
  });

  it('public load errors name no object key, owner id or internal address', async () => {
    const user = uniqueUser();
    const token = await logIn('google', user);
    const missing = JSON.parse(descriptor.toString());
    missing.resources[0].path = 'data/nowhere.csv';
    const url = await uploadPackage(token, md5(user.email), `keys-${randomBytes(2).toString('hex')}`, { 'datapackage.json': Buffer.from(JSON.stringify(missing)) });
    await startLoad(token, url);
    const { last } = await follow(url);
    expect(last).toMatchObject({ status: 'fail', error: expect.stringContaining('data/nowhere.csv is not in the datastore') });
    expect(String(last.error)).not.toContain(md5(user.email));
    expect(String(last.error)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|:\d{4,5}/);
  });

  it('an upload URL with malformed percent-encoding is a 400, not a 500', async () => {
    const user = uniqueUser();
    const token = await logIn('google', user);
    const metadata = await internalMetadata();
    const auth = new AuthServiceClient(testStack().grpc, credentials.createInsecure());
    await unary((callback) => auth.setPermissions({ userid: md5(user.email), service: 'os.datastore', permissions: { 'datapackage-upload': true } }, metadata, callback));
    auth.close();
    const base = `${testStack().conductorEnv.S3_PUBLIC_ENDPOINT}/${testStack().s3Bucket}/${md5(user.email)}/pkg`;
    for (const tail of ['%', '%E0%A4%A', '%zz/datapackage.json']) {
      const reply = await gateway(`/package/upload?datapackage=${encodeURIComponent(`${base}/${tail}`)}`, { method: 'POST', ...bearer(token) });
      expect(reply.status, tail).toBe(400);
      expect(reply.json, tail).toMatchObject({ code: 3, message: expect.stringContaining('percent-encoding') });
    }
  });
});

describe('smaller findings', () => {
  it('prototype keys are not search fields: 400', async () => {
    for (const field of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const reply = await gateway(`/search/package?${field}=${encodeURIComponent('"x"')}`);
      expect(reply.status, field).toBe(400);
      expect(reply.json, field).toMatchObject({ code: 3, message: expect.stringContaining('not a searchable field') });
    }
  });

  it('a 9 KB login URL gets the JSON error shape, not an empty 431', async () => {
    const next = `${testStack().appOrigin}/after-login?${'a'.repeat(9000)}`;
    const reply = await gateway(`/oauth/login/google?next=${encodeURIComponent(next)}`);
    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({ code: 3, message: 'next is too long (at most 2048 characters)' });
    const huge = await gateway(`/oauth/login/google?next=${'b'.repeat(70_000)}`);
    expect(huge.status).toBe(431);
    expect(huge.json).toMatchObject({ code: 3, message: expect.any(String) });
  });

  it('an OAuth callback whose session cookie is gone goes back to the client, without a token', async () => {
    const next = `${testStack().appOrigin}/after-login`;
    const start = await fetch(await loginUrlFor('google', next), { redirect: 'manual' });
    const loginCookie = start.headers.getSetCookie().map((line) => line.split(';')[0]).find((pair) => pair?.startsWith('conductor_login='));
    expect(loginCookie).toBeDefined();
    const callback = await gateway('/oauth/connect/google/callback?code=stolen&state=guessed', { headers: { cookie: String(loginCookie) } });
    expect(callback.status).toBe(302);
    const location = new URL(String(callback.headers.get('location')));
    expect(location.origin + location.pathname).toBe(next);
    expect(location.searchParams.has('jwt')).toBe(false);
  });

  it('a user token issued in the future is refused', async () => {
    const user = uniqueUser();
    await logIn('google', user);
    const now = Math.floor(Date.now() / 1000);
    const future = await new SignJWT({ token_use: 'user', jti: crypto.randomUUID(), userid: md5(user.email) })
      .setProtectedHeader({ alg: 'RS256', typ: 'conductor-user+jwt' })
      .setIssuedAt(now + 3600)
      .setExpirationTime(now + 7200)
      .sign(createPrivateKey(readFileSync(testStack().signingKeyFile)));
    expect(((await gateway('/user/check', bearer(future))).json as { authenticated: boolean }).authenticated).toBe(false);
    expect((await gateway('/user/logout', { method: 'POST', ...bearer(future) })).status).toBe(401);
  });
});
