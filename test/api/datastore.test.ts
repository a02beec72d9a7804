/** The Datastore service through Envoy, with real uploads to MinIO at the URLs it signs. */
import { createHash, randomBytes } from 'node:crypto';
import { credentials, Metadata } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createObjectStoreClient } from '../../src/adapters/minio/client.ts';
import { AuthServiceClient } from '../../src/gen/conductor/auth/v1/auth.js';
import { DatastoreServiceClient, type AuthorizeResponse } from '../../src/gen/conductor/datastore/v1/datastore.js';
import { internalMetadata } from '../support/internal.ts';
import { logIn, uniqueUser } from '../support/login.ts';
import { testStack } from '../setup/test-stack.ts';
import { uploadPackage } from '../support/packages.ts';
import { gateway } from './http.ts';

const md5 = (bytes: Buffer | string) => createHash('md5').update(bytes).digest('base64');
const idhash = (email: string) => createHash('md5').update(email.trim().toLowerCase()).digest('hex');

interface Signed {
  md5: string;
  name: string;
  length: number;
  type?: string;
  upload_url: string;
  upload_query: Record<string, string[]>;
}

/** A user who may upload, with a permission token for os.datastore. */
async function uploader(): Promise<{ userid: string; userToken: string; token: string }> {
  const user = uniqueUser();
  const userToken = await logIn('google', user);
  const { token } = (await gateway('/user/authorize?service=os.datastore', { headers: { authorization: `Bearer ${userToken}` } })).json as { token: string };
  return { userid: idhash(user.email), userToken, token };
}

function authorize(body: unknown, headers: Record<string, string>, path = '/datastore/authorize') {
  return gateway(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
}

function put(file: Signed, body: Buffer, headers: Record<string, string>) {
  const url = new URL(file.upload_url);
  for (const [name, values] of Object.entries(file.upload_query)) for (const value of values) url.searchParams.append(name, value);
  return fetch(url, { method: 'PUT', body, headers });
}

const store = () => {
  const stack = testStack();
  return createObjectStoreClient({ endpoint: stack.s3Endpoint, publicEndpoint: stack.s3Endpoint, accessKey: stack.s3AccessKey, secretKey: stack.s3SecretKey, bucket: stack.s3Bucket, region: 'us-east-1' });
};

async function readBack(key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store().getObject(testStack().s3Bucket, key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('POST /datastore/authorize', () => {
  let owner: Awaited<ReturnType<typeof uploader>>;
  beforeAll(async () => {
    owner = await uploader();
  });

  it('signs two files; plain HTTP PUTs to the returned URLs store them byte for byte', async () => {
    const csv = Buffer.from('year,amount\n2024,10\n2025,12\n');
    const json = Buffer.from(JSON.stringify({ name: 'budget', resources: [] }));
    const reply = await authorize(
      {
        metadata: { owner: owner.userid, name: 'budget' },
        filedata: {
          'data/budget.csv': { length: csv.length, md5: md5(csv), type: 'text/csv', name: 'budget.csv' },
          'datapackage.json': { length: json.length, md5: md5(json), name: 'datapackage.json' },
        },
      },
      { authorization: `Bearer ${owner.token}` },
    );
    expect(reply.status).toBe(200);
    const { filedata } = reply.json as { filedata: Record<string, Signed> };
    expect(Object.keys(filedata).sort()).toEqual(['data/budget.csv', 'datapackage.json']);
    const csvFile = filedata['data/budget.csv'] as Signed;
    expect(csvFile).toMatchObject({ md5: md5(csv), name: 'budget.csv', length: csv.length, type: 'text/csv' });
    expect(csvFile.upload_url).toBe(`${testStack().s3Endpoint}/${testStack().s3Bucket}/${owner.userid}/budget/data/budget.csv`);
    expect(csvFile.upload_query['X-Amz-SignedHeaders']).toEqual(['content-length;content-md5;content-type;host']);
    expect(Object.values(csvFile.upload_query).every((values) => Array.isArray(values) && values.every((value) => typeof value === 'string'))).toBe(true);
    expect(filedata['datapackage.json']).not.toHaveProperty('type');

    expect((await put(csvFile, csv, { 'content-md5': md5(csv), 'content-type': 'text/csv' })).status).toBe(200);
    expect((await put(filedata['datapackage.json'] as Signed, json, { 'content-md5': md5(json) })).status).toBe(200);
    expect((await readBack(`${owner.userid}/budget/data/budget.csv`)).equals(csv)).toBe(true);
    expect((await readBack(`${owner.userid}/budget/datapackage.json`)).equals(json)).toBe(true);
  });

  it('gets URLs the object store holds to the declared MD5, length and type', async () => {
    const bytes = randomBytes(1000);
    const reply = await authorize(
      { metadata: { owner: owner.userid, name: 'strict' }, filedata: { 'a.bin': { length: 1000, md5: md5(bytes), type: 'application/octet-stream' } } },
      { authorization: `Bearer ${owner.token}` },
    );
    const file = (reply.json as { filedata: Record<string, Signed> }).filedata['a.bin'] as Signed;
    const other = randomBytes(1000);
    // Other bytes with the declared MD5 header: the store checks the digest.
    expect((await put(file, other, { 'content-md5': md5(bytes), 'content-type': 'application/octet-stream' })).status).toBeGreaterThanOrEqual(400);
    // The other bytes' own MD5: not what was signed.
    expect((await put(file, other, { 'content-md5': md5(other), 'content-type': 'application/octet-stream' })).status).toBe(403);
    // A different length.
    expect((await put(file, bytes.subarray(0, 500), { 'content-md5': md5(bytes.subarray(0, 500)), 'content-type': 'application/octet-stream' })).status).toBe(403);
    // Another content type.
    expect((await put(file, bytes, { 'content-md5': md5(bytes), 'content-type': 'text/html' })).status).toBe(403);
    await expect(store().statObject(testStack().s3Bucket, `${owner.userid}/strict/a.bin`)).rejects.toThrow();
    // And the declared upload goes through.
    expect((await put(file, bytes, { 'content-md5': md5(bytes), 'content-type': 'application/octet-stream' })).status).toBe(200);
  });

  it('answers under the POST /datastore/ alias, and with {"filedata":{}} for no files', async () => {
    const reply = await authorize({ metadata: { owner: owner.userid, name: 'empty' }, filedata: {} }, { authorization: `Bearer ${owner.token}` }, '/datastore/');
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ filedata: {} });
  });

  it('answers gRPC callers with the same uploads as a Struct (the gateway gets the JSON written by the server)', async () => {
    const body = { metadata: { owner: owner.userid, name: 'both-ways' }, filedata: { 'data/a.csv': { length: 3, md5: md5('abc'), type: 'text/csv', name: 'a.csv' } } };
    const overHttp = (await authorize(body, { authorization: `Bearer ${owner.token}` })).json as { filedata: Record<string, Signed> };
    const client = new DatastoreServiceClient(testStack().grpc, credentials.createInsecure());
    try {
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${owner.token}`);
      const overGrpc = await new Promise<AuthorizeResponse>((done, fail) => client.authorize({ jwt: '', ...body }, metadata, (error, reply) => (error ? fail(error) : done(reply))));
      expect(overGrpc.httpBody).toBeUndefined();
      const signed = (files: Record<string, Signed> | undefined) => Object.fromEntries(Object.entries(files ?? {}).map(([path, { upload_query: _signature, ...file }]) => [path, file]));
      expect(signed(overGrpc.filedata as Record<string, Signed>)).toEqual(signed(overHttp.filedata));
      expect(Object.keys(overHttp.filedata['data/a.csv']?.upload_query ?? {})).toEqual(Object.keys((overGrpc.filedata as Record<string, Signed>)['data/a.csv']?.upload_query ?? {}));
    } finally {
      client.close();
    }
  });

  it('takes the token from Authorization, Auth-Token or ?jwt=, in that order', async () => {
    const body = { metadata: { owner: owner.userid, name: 'tokens' }, filedata: {} };
    expect((await authorize(body, { authorization: `Bearer ${owner.token}` })).status).toBe(200);
    expect((await authorize(body, { 'auth-token': owner.token })).status).toBe(200);
    expect((await gateway(`/datastore/authorize?jwt=${owner.token}`, { method: 'POST', body: JSON.stringify(body) })).status).toBe(200);
    expect((await gateway(`/datastore/authorize?jwt=garbage`, { method: 'POST', body: JSON.stringify(body), headers: { 'auth-token': owner.token } })).status).toBe(200);
    expect((await gateway(`/datastore/authorize?jwt=${owner.token}`, { method: 'POST', body: JSON.stringify(body), headers: { 'auth-token': 'garbage' } })).status).toBe(401);
  });
});

describe('POST /datastore/authorize refuses, signing nothing', () => {
  let owner: Awaited<ReturnType<typeof uploader>>;
  const grpc = new AuthServiceClient(testStack().grpc, credentials.createInsecure());
  beforeAll(async () => {
    owner = await uploader();
  });
  afterAll(() => grpc.close());
  const file = { length: 3, md5: md5('abc'), name: 'f' };
  const valid = () => ({ metadata: { owner: owner.userid, name: 'pkg' }, filedata: { 'data/f.csv': file } });

  it('401 for tokens that do not allow this upload', async () => {
    const other = await uploader();
    const forOtherService = ((await gateway('/user/authorize?service=os.other', { headers: { authorization: `Bearer ${owner.userToken}` } })).json as { token: string }).token;
    const tampered = `${owner.token.slice(0, -3)}${owner.token.endsWith('abc') ? 'xyz' : 'abc'}`;
    for (const [label, headers] of [
      ['no token', {}],
      ['garbage', { authorization: 'Bearer nonsense' }],
      ['tampered', { authorization: `Bearer ${tampered}` }],
      ['user token instead of permission token', { authorization: `Bearer ${owner.userToken}` }],
      ['token for another service', { authorization: `Bearer ${forOtherService}` }],
      ['another user’s token (owner mismatch)', { authorization: `Bearer ${other.token}` }],
    ] as const) {
      const reply = await authorize(valid(), headers);
      expect(reply.status, label).toBe(401);
      expect(reply.json, label).toMatchObject({ code: 16, message: expect.any(String) });
    }
  });

  it('401 when the user lacks datapackage-upload', async () => {
    const denied = await uploader();
    const metadata = await internalMetadata();
    await new Promise<void>((done, fail) =>
      grpc.setPermissions({ userid: denied.userid, service: 'os.datastore', permissions: { 'datapackage-upload': false } }, metadata, (error) => (error ? fail(error) : done())),
    );
    const { token } = (await gateway('/user/authorize?service=os.datastore', { headers: { authorization: `Bearer ${denied.userToken}` } })).json as { token: string };
    const reply = await authorize({ ...valid(), metadata: { owner: denied.userid, name: 'pkg' } }, { authorization: `Bearer ${token}` });
    expect(reply.status).toBe(401);
    expect((reply.json as { message: string }).message).toContain('datapackage-upload');
  });

  it('400 naming the field for each malformed body and hostile path', async () => {
    const cases: [string, unknown, RegExp][] = [
      ['no metadata', { filedata: { a: file } }, /metadata is required/],
      ['no owner', { metadata: { name: 'pkg' }, filedata: {} }, /metadata.owner is required/],
      ['no name', { metadata: { owner: owner.userid }, filedata: {} }, /metadata.name is required/],
      ['name with ..', { metadata: { owner: owner.userid, name: '..' }, filedata: {} }, /metadata.name/],
      ['name with a slash', { metadata: { owner: owner.userid, name: 'a/b' }, filedata: {} }, /metadata.name/],
      ['no length', { ...valid(), filedata: { a: { md5: file.md5 } } }, /length is required/],
      ['negative length', { ...valid(), filedata: { a: { ...file, length: -1 } } }, /length must be a non-negative whole number/],
      ['fractional length', { ...valid(), filedata: { a: { ...file, length: 1.5 } } }, /length must be a non-negative whole number/],
      ['huge length', { ...valid(), filedata: { a: { ...file, length: 6 * 1024 ** 3 } } }, /length must be at most/],
      ['length as text', { ...valid(), filedata: { a: { ...file, length: 'ten' } } }, /length/],
      ['no md5', { ...valid(), filedata: { a: { length: 3 } } }, /md5 is required/],
      ['hex md5', { ...valid(), filedata: { a: { ...file, md5: createHash('md5').update('abc').digest('hex') } } }, /md5 must be the base64 MD5/],
      ['type with a header injection', { ...valid(), filedata: { a: { ...file, type: 'text/csv\r\nx-amz-acl: public-read' } } }, /type must be a media type/],
      ['path ..', { ...valid(), filedata: { '../../other-user/x.csv': file } }, /path must not contain \. or \.\. segments/],
      ['path with a dot segment', { ...valid(), filedata: { 'data/./x.csv': file } }, /\. or \.\. segments/],
      ['absolute path', { ...valid(), filedata: { '/etc/passwd': file } }, /must be relative/],
      ['empty segment', { ...valid(), filedata: { 'data//x.csv': file } }, /empty segments/],
      ['trailing slash', { ...valid(), filedata: { 'data/': file } }, /empty segments/],
      ['backslash', { ...valid(), filedata: { 'data\\..\\x.csv': file } }, /backslashes/],
      ['control character', { ...valid(), filedata: { 'data/x\u0000.csv': file } }, /control characters/],
      ['too many files', { ...valid(), filedata: Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`f${i}.csv`, file])) }, /at most 1000 per request/],
    ];
    for (const [label, body, message] of cases) {
      const reply = await authorize(body, { authorization: `Bearer ${owner.token}` });
      expect(reply.status, label).toBe(400);
      expect((reply.json as { message: string }).message, label).toMatch(message);
      expect(reply.json, label).not.toHaveProperty('filedata');
    }
  });

  it('400 for a body that is not JSON', async () => {
    const reply = await gateway('/datastore/authorize', { method: 'POST', body: 'owner=me', headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' } });
    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({ code: 3 });
  });
});

describe('GET /datastore/info', () => {
  it('lists the reference’s public prefixes of the user’s folder, for a user or permission token', async () => {
    const owner = await uploader();
    const publicEndpoint = new URL(testStack().conductorEnv.S3_PUBLIC_ENDPOINT ?? '');
    const host = publicEndpoint.hostname;
    const bucket = testStack().s3Bucket;
    const expected = [
      // Where uploads really go (the endpoint's port kept): the signed upload URLs start with it.
      `${publicEndpoint.origin}/${bucket}/${owner.userid}`,
      `http://${host}:80/${bucket}/${owner.userid}`,
      `http://${host}/${bucket}/${owner.userid}`,
      `http://${bucket}:80/${owner.userid}`,
      `http://${bucket}/${owner.userid}`,
      `https://${host}:443/${bucket}/${owner.userid}`,
      `https://${host}/${bucket}/${owner.userid}`,
      `https://${bucket}:443/${owner.userid}`,
      `https://${bucket}/${owner.userid}`,
    ];
    expect((await gateway('/datastore/info', { headers: { authorization: `Bearer ${owner.token}` } })).json).toEqual({ prefixes: expected });
    const url = await uploadPackage(owner.userToken, owner.userid, 'prefix-check', { 'datapackage.json': Buffer.from('{}') });
    expect(expected.some((prefix) => url.startsWith(`${prefix}/`))).toBe(true);
    expect((await gateway(`/datastore/info?jwt=${owner.userToken}`)).json).toEqual({ prefixes: expected });
  });

  it('401 without a valid token', async () => {
    expect((await gateway('/datastore/info')).status).toBe(401);
    expect((await gateway('/datastore/info?jwt=a.b.c')).status).toBe(401);
  });
});
