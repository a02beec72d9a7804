/**
 * The work-package service through Envoy: GHGA 2.0.6's checklist
 * (spec/work-package-service.md), a Conductor user end to end, and hostile
 * input. Tokens are opened with the user's Crypt4GH secret key, as a client would.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { credentials } from '@grpc/grpc-js';
import { jwtVerify, SignJWT } from 'jose';
import sodium from 'libsodium-wrappers';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { WorkPackageServiceClient } from '../../src/gen/conductor/workpackage/v1/workpackage.js';
import { internalMetadata } from '../support/internal.ts';
import { logIn, uniqueUser } from '../support/login.ts';
import { testStack } from '../setup/test-stack.ts';
import { gateway } from './http.ts';

const john = { name: 'John Doe', email: 'john@home.org', title: 'Dr.', id: `john-doe-${randomBytes(3).toString('hex')}@ghga.de` };

/** An internal access token as GHGA's auth service would issue it. */
function internalToken(claims: Record<string, unknown>, expiresIn: string | number = '1h') {
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256' }).setIssuedAt().setExpirationTime(expiresIn).sign(createPrivateKey(readFileSync(testStack().workPackageInternalKeyFile)));
}

async function database<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testStack().databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function createDataset(id: string, owner: string, published = false) {
  const files = [
    { id: 'file-id-1', extension: '.json' },
    { id: 'file-id-2', extension: '.csv' },
    { id: 'file-id-3', extension: '.bam' },
  ];
  await database((client) =>
    client.query('insert into datasets (id, owner, title, description, stage, published, files) values ($1, $2, $3, $4, $5, $6, $7)', [id, owner, `Title of ${id}`, null, 'download', published, JSON.stringify(files)]),
  );
}

const grpc = () => new WorkPackageServiceClient(testStack().grpc, credentials.createInsecure());
async function setAccess(method: 'grantDatasetAccess' | 'revokeDatasetAccess', userId: string, datasetId: string) {
  const client = grpc();
  const metadata = await internalMetadata();
  return new Promise<void>((done, fail) => client[method]({ userId, datasetId }, metadata, (error) => (client.close(), error ? fail(error) : done())));
}

let keys: { publicKey: Uint8Array; privateKey: Uint8Array };
const userKey = () => Buffer.from(keys.publicKey).toString('base64');
const open = (sealed: string) => sodium.crypto_box_seal_open(Buffer.from(sealed, 'base64'), keys.publicKey, keys.privateKey, 'text');

beforeAll(async () => {
  await sodium.ready;
  keys = sodium.crypto_box_keypair();
});

const post = (path: string, body: unknown, token?: string) =>
  gateway(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) } });

describe('GHGA checklist', () => {
  const datasetId = `some-dataset-id-${randomBytes(3).toString('hex')}`;
  let token: string;
  let created: { id: string; token: string };
  let accessToken: string;

  beforeAll(async () => {
    await createDataset(datasetId, 'someone-else');
    await setAccess('grantDatasetAccess', john.id, datasetId);
    token = await internalToken(john);
  });

  it('creates a work package for the requested files that exist (201, keys id and token)', async () => {
    const reply = await post('/work-packages', { dataset_id: datasetId, type: 'download', file_ids: ['file-id-1', 'file-id-3', 'file-id-5'], user_public_crypt4gh_key: userKey() }, token);
    expect(reply.status).toBe(201);
    created = reply.json as { id: string; token: string };
    expect(Object.keys(created).sort()).toEqual(['id', 'token']);
    expect(created.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(created.token).toHaveLength(96);
    accessToken = open(created.token);
    expect(accessToken).toMatch(/^[A-Za-z0-9]{24}$/);
  });

  it('creates a work package by a former dataset id (from before ids followed the reference), for the dataset it now names', async () => {
    const formerId = `${datasetId.replaceAll('-', '_')}`;
    await database((client) => client.query('insert into dataset_id_aliases (old_id, new_id) values ($1, $2)', [formerId, datasetId]));
    const reply = await post('/work-packages', { dataset_id: formerId, type: 'download', file_ids: ['file-id-1'], user_public_crypt4gh_key: userKey() }, token);
    expect(reply.status).toBe(201);
    const stored = await database((client) => client.query('select dataset_id from work_packages where id = $1', [(reply.json as { id: string }).id]));
    expect(stored.rows).toEqual([{ dataset_id: datasetId }]);
  });

  it('returns the work package to the bearer of its access token', async () => {
    const reply = await gateway(`/work-packages/${created.id}`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(reply.status).toBe(200);
    const body = reply.json as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['created', 'expires', 'files', 'type']);
    expect(body.files).toEqual({ 'file-id-1': '.json', 'file-id-3': '.bam' });
    expect(body.type).toBe('download');
    expect(String(body.created)).toMatch(/Z$/);
    expect(new Date(String(body.expires)).getTime() - new Date(String(body.created)).getTime()).toBe(30 * 24 * 3600 * 1000);
  });

  it('refuses without a token, for an unknown id and with a wrong token', async () => {
    // GHGA's FastAPI HTTPBearer: no Authorization header is a 403 "Not authenticated".
    const anonymous = await gateway(`/work-packages/${created.id}`);
    expect([anonymous.status, (anonymous.json as { detail: string }).detail]).toEqual([403, 'Not authenticated']);
    const unknown = await gateway(`/work-packages/${crypto.randomUUID()}`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(unknown.status).toBe(403);
    expect((unknown.json as { message: string }).message).toBe('Work package not found');
    const wrong = await gateway(`/work-packages/${created.id}`, { headers: { authorization: `Bearer ${'x'.repeat(24)}` } });
    expect(wrong.status).toBe(403);
    expect((wrong.json as { message: string }).message).toBe('Invalid work package access token');
  });

  it('refuses work order tokens for files not in the package', async () => {
    for (const fileId of ['file-id-2', 'file-id-5']) {
      const reply = await post(`/work-packages/${created.id}/files/${fileId}/work-order-tokens`, {}, accessToken);
      expect(reply.status, fileId).toBe(403);
      expect((reply.json as { message: string }).message).toBe('File is not contained in work package');
    }
  });

  it('issues a sealed 30-second work order token (201, Cache-Control) with exactly GHGA’s claims', async () => {
    const reply = await post(`/work-packages/${created.id}/files/file-id-3/work-order-tokens`, {}, accessToken);
    expect(reply.status).toBe(201);
    expect(reply.headers.get('cache-control')).toBe('max-age=30, private');
    expect(typeof reply.json).toBe('string');
    const jwt = open(reply.json as string);
    expect(jwt.split('.')).toHaveLength(3);
    const signingPublicKey = createPublicKey(createPrivateKey(readFileSync(testStack().workOrderSigningKeyFile)));
    const { payload, protectedHeader } = await jwtVerify(jwt, signingPublicKey, { algorithms: ['ES256'] });
    expect(protectedHeader).toEqual({ alg: 'ES256' });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(30);
    expect(Object.keys(payload).sort()).toEqual(['email', 'exp', 'file_id', 'full_user_name', 'iat', 'type', 'user_id', 'user_public_crypt4gh_key']);
    expect(payload).toMatchObject({
      type: 'download',
      file_id: 'file-id-3',
      user_id: john.id,
      user_public_crypt4gh_key: userKey(),
      full_user_name: 'Dr. John Doe',
      email: 'john@home.org',
    });
  });

  it('lists only the user’s own datasets, and refuses another user’s list', async () => {
    const other = await gateway(`/users/${encodeURIComponent('someone@else.org')}/datasets`, { headers: { authorization: `Bearer ${token}` } });
    expect(other.status).toBe(403);
    expect((other.json as { message: string }).message).toBe('Not authorized to get datasets');
    const mine = await gateway(`/users/${encodeURIComponent(john.id)}/datasets`, { headers: { authorization: `Bearer ${token}` } });
    expect(mine.status).toBe(200);
    expect(mine.json).toEqual([
      {
        id: datasetId,
        stage: 'download',
        title: `Title of ${datasetId}`,
        description: null,
        files: [
          { id: 'file-id-1', extension: '.json' },
          { id: 'file-id-2', extension: '.csv' },
          { id: 'file-id-3', extension: '.bam' },
        ],
      },
    ]);
    const nobody = { ...john, id: `nobody-${randomBytes(3).toString('hex')}@ghga.de` };
    const none = await gateway(`/users/${encodeURIComponent(nobody.id)}/datasets`, { headers: { authorization: `Bearer ${await internalToken(nobody)}` } });
    expect(none.json).toEqual([]);
  });

  it("accepts tokens of every trusted issuer, with or without kid: Conductor's own and GHGA's", async () => {
    const ghga = createPrivateKey(readFileSync(testStack().ghgaIssuerKeyFile));
    const sign = (key: KeyObject, header: { alg: 'ES256'; kid?: string }) => new SignJWT({ ...john }).setProtectedHeader(header).setIssuedAt().setExpirationTime('1h').sign(key);
    const list = (bearer: string) => gateway(`/users/${encodeURIComponent(john.id)}/datasets`, { headers: { authorization: `Bearer ${bearer}` } });
    // Both trusted keys match a token without kid: each is tried (jose alone refuses with "multiple matching keys").
    expect((await list(await sign(ghga, { alg: 'ES256' }))).status).toBe(200);
    expect((await list(await internalToken(john))).status).toBe(200);
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect((await list(await sign(stranger, { alg: 'ES256' }))).status).toBe(401);
    expect((await list(await sign(stranger, { alg: 'ES256', kid: 'unknown' }))).status).toBe(401);
  });

  it('stops the work package at once when access is revoked', async () => {
    await setAccess('revokeDatasetAccess', john.id, datasetId);
    for (const reply of [
      await gateway(`/work-packages/${created.id}`, { headers: { authorization: `Bearer ${accessToken}` } }),
      await post(`/work-packages/${created.id}/files/file-id-3/work-order-tokens`, {}, accessToken),
    ]) {
      expect(reply.status).toBe(403);
      expect((reply.json as { message: string }).message).toBe('Access has been revoked');
    }
  });
});

describe('a Conductor user end to end', () => {
  it('logs in, gets an internal token from /user/authorize, creates a work package, gets a work order token, loses access', async () => {
    const user = uniqueUser();
    const userToken = await logIn('google', user);
    const datasetId = `owner-x:loaded-package-${randomBytes(3).toString('hex')}`;
    await createDataset(datasetId, 'f'.repeat(32));
    const authorized = (await gateway('/user/authorize?service=work-packages', { headers: { authorization: `Bearer ${userToken}` } })).json as { token: string; userid: string };
    await setAccess('grantDatasetAccess', authorized.userid, datasetId);
    const created = await post('/work-packages', { dataset_id: datasetId, type: 'download', file_ids: ['file-id-1', 'file-id-2'], user_public_crypt4gh_key: `-----BEGIN CRYPT4GH PUBLIC KEY-----\n${userKey()}\n-----END CRYPT4GH PUBLIC KEY-----\n` }, authorized.token);
    expect(created.status).toBe(201);
    const accessToken = open((created.json as { token: string }).token);
    const wot = await post(`/work-packages/${(created.json as { id: string }).id}/files/file-id-2/work-order-tokens`, {}, accessToken);
    expect(wot.status).toBe(201);
    const claims = JSON.parse(Buffer.from(open(wot.json as string).split('.')[1] ?? '', 'base64url').toString());
    expect(claims).toMatchObject({ user_id: authorized.userid, full_user_name: user.name, email: user.email, file_id: 'file-id-2' });
    await setAccess('revokeDatasetAccess', authorized.userid, datasetId);
    const after = await post(`/work-packages/${(created.json as { id: string }).id}/files/file-id-2/work-order-tokens`, {}, accessToken);
    expect(after.status).toBe(403);
    expect((after.json as { message: string }).message).toBe('Access has been revoked');
  });
});

describe('hostile input', () => {
  const datasetId = `hostile-${randomBytes(3).toString('hex')}`;
  let token: string;
  beforeAll(async () => {
    await createDataset(datasetId, 'someone-else');
    await setAccess('grantDatasetAccess', john.id, datasetId);
    token = await internalToken(john);
  });
  const create = (body: Record<string, unknown>, bearerToken = token) =>
    post('/work-packages', { dataset_id: datasetId, type: 'download', user_public_crypt4gh_key: userKey(), ...body }, bearerToken);

  it('422 for wrong Crypt4GH keys, with GHGA’s messages', async () => {
    const cases: [string, string][] = [
      ['', 'Key must be a non-empty string'],
      [Buffer.alloc(16, 1).toString('base64'), 'Invalid key'],
      [Buffer.alloc(40, 1).toString('base64'), 'Invalid key'],
      ['not base64 at all!', 'Invalid key'],
      [`-----BEGIN CRYPT4GH PRIVATE KEY-----\n${userKey()}\n-----END CRYPT4GH PRIVATE KEY-----`, 'Do not pass a private key'],
    ];
    for (const [key, message] of cases) {
      const reply = await create({ user_public_crypt4gh_key: key });
      expect(reply.status, key).toBe(422);
      expect((reply.json as { message: string }).message, key).toBe(message);
    }
  });

  it('422 for extra fields, missing fields and wrong types (as GHGA’s strict model)', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ is_admin: true }, /is_admin: Extra inputs are not permitted/],
      [{ dataset_id: undefined }, /dataset_id: Field required/],
      [{ dataset_id: 42 }, /dataset_id: Input should be a valid string/],
      [{ file_ids: 'file-id-1' }, /file_ids: Input should be a list of strings or null/],
      [{ file_ids: [1, 2] }, /file_ids: Input should be a list of strings or null/],
      [{ user_public_crypt4gh_key: { nested: true } }, /user_public_crypt4gh_key: Input should be a valid string/],
    ];
    for (const [body, message] of cases) {
      const reply = await create(body);
      expect(reply.status, JSON.stringify(body)).toBe(422);
      expect((reply.json as { message: string }).message, JSON.stringify(body)).toMatch(message);
    }
  });

  it("422 for a body that is not a JSON object, and GHGA's detail on every error", async () => {
    for (const body of ['[1,2]', '"download"', '42', 'not json', '{"dataset_id":']) {
      const reply = await gateway('/work-packages', { method: 'POST', body, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
      expect(reply.status, body).toBe(422);
      expect(reply.json, body).toMatchObject({ detail: expect.any(String), code: 3, message: expect.any(String) });
    }
    const errors = [
      await create({ is_admin: true }),
      await create({ type: 'upload' }),
      await gateway('/work-packages', { method: 'POST', body: '{}' }),
      await gateway(`/work-packages/${crypto.randomUUID()}`, { headers: { authorization: `Bearer ${'x'.repeat(24)}` } }),
      await gateway(`/users/${encodeURIComponent('someone@else.org')}/datasets`, { headers: { authorization: `Bearer ${token}` } }),
    ];
    expect(errors.map((reply) => reply.status)).toEqual([422, 403, 403, 403, 403]);
    for (const reply of errors) {
      const { detail, message } = reply.json as { detail: string; message: string };
      expect(detail).toBe(message);
    }
  });

  it('422 for an invalid type, 403 for upload, an unknown dataset, no existing files', async () => {
    expect((await create({ type: 'delete' })).status).toBe(422);
    const upload = await create({ type: 'upload' });
    expect([upload.status, (upload.json as { message: string }).message]).toEqual([403, 'Unsupported work type']);
    const unknown = await create({ dataset_id: 'no-such-dataset' });
    expect([unknown.status, (unknown.json as { message: string }).message]).toEqual([403, 'Missing dataset access permission']);
    const empty = await create({ file_ids: [] });
    expect([empty.status, (empty.json as { message: string }).message]).toEqual([403, 'No existing files have been specified']);
    const absent = await create({ file_ids: ['file-id-9'] });
    expect((absent.json as { message: string }).message).toBe('No existing files have been specified');
  });

  it('401 for tokens of the wrong kind, expired, tampered or signed by another key', async () => {
    const user = uniqueUser();
    const userToken = await logIn('google', user);
    const permission = ((await gateway('/user/authorize?service=os.datastore', { headers: { authorization: `Bearer ${userToken}` } })).json as { token: string }).token;
    const other = new SignJWT(john).setProtectedHeader({ alg: 'ES256' }).setIssuedAt().setExpirationTime('1h').sign((await import('node:crypto')).generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    const expired = await internalToken({ ...john, iat: Math.floor(Date.now() / 1000) - 7200 }, Math.floor(Date.now() / 1000) - 3600);
    const badEmail = await internalToken({ ...john, email: 'not-an-email' });
    const badTitle = await internalToken({ ...john, title: 'Sir' });
    for (const [label, bad] of [
      ['user token', userToken],
      ['permission token', permission],
      ['other key', await other],
      ['expired', expired],
      ['tampered', `${token.slice(0, -2)}xx`],
      ['invalid email', badEmail],
      ['invalid title', badTitle],
    ]) {
      const reply = await create({}, bad);
      expect(reply.status, label).toBe(401);
    }
    // No credential at all is GHGA's 403 "Not authenticated", on every GHGA route.
    for (const anonymous of [
      await post('/work-packages', { dataset_id: datasetId }),
      await gateway(`/users/${encodeURIComponent(john.id)}/datasets`),
      await post(`/work-packages/${crypto.randomUUID()}/files/file-id-1/work-order-tokens`, {}),
    ]) {
      expect([anonymous.status, (anonymous.json as { detail: string }).detail]).toEqual([403, 'Not authenticated']);
    }
    const basic = await gateway(`/work-packages/${crypto.randomUUID()}`, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect([basic.status, (basic.json as { detail: string }).detail]).toEqual([403, 'Invalid authentication credentials']);
  });

  it('403 for non-UUID ids, another work package’s token, and an expired work package', async () => {
    const first = (await create({})).json as { id: string; token: string };
    const second = (await create({})).json as { id: string; token: string };
    const firstToken = open(first.token);
    const nonUuid = await gateway('/work-packages/..%2f..%2fetc', { headers: { authorization: `Bearer ${firstToken}` } });
    expect(nonUuid.status).toBeGreaterThanOrEqual(400);
    expect(nonUuid.status).toBeLessThan(500);
    const plain = await gateway("/work-packages/1' or '1'='1", { headers: { authorization: `Bearer ${firstToken}` } });
    expect(plain.status).toBe(403);
    const swapped = await gateway(`/work-packages/${second.id}`, { headers: { authorization: `Bearer ${firstToken}` } });
    expect([swapped.status, (swapped.json as { message: string }).message]).toEqual([403, 'Invalid work package access token']);
    await database((client) => client.query("update work_packages set expires = now() - interval '1 second' where id = $1", [first.id]));
    const expired = await gateway(`/work-packages/${first.id}`, { headers: { authorization: `Bearer ${firstToken}` } });
    expect([expired.status, (expired.json as { message: string }).message]).toEqual([403, 'Work package has expired']);
  });
});

