/** Test helpers for package loading through the gateway: upload a package's files, follow its load, count rows. */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { expect } from 'vitest';
import { createObjectStoreClient } from '../../src/adapters/minio/client.ts';
import { gateway } from '../api/http.ts';
import { testStack } from '../setup/test-stack.ts';

const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('base64');

interface Signed {
  upload_url: string;
  upload_query: Record<string, string[]>;
}

/** Uploads files through the Datastore service (authorize, then signed PUTs to MinIO); answers the descriptor's URL. */
export async function uploadPackage(userToken: string, owner: string, name: string, files: Record<string, Buffer>): Promise<string> {
  const { token } = (await gateway('/user/authorize?service=os.datastore', { headers: { authorization: `Bearer ${userToken}` } })).json as { token: string };
  const filedata = Object.fromEntries(Object.entries(files).map(([path, bytes]) => [path, { length: bytes.length, md5: md5(bytes) }]));
  const reply = await gateway('/datastore/authorize', { method: 'POST', body: JSON.stringify({ metadata: { owner, name }, filedata }), headers: { authorization: `Bearer ${token}` } });
  const signed = (reply.json as { filedata: Record<string, Signed> }).filedata;
  for (const [path, bytes] of Object.entries(files)) {
    const file = signed[path] as Signed;
    const url = new URL(file.upload_url);
    for (const [key, values] of Object.entries(file.upload_query)) for (const value of values) url.searchParams.append(key, value);
    const put = await fetch(url, { method: 'PUT', body: bytes, headers: { 'content-md5': md5(bytes) } });
    expect(put.status, path).toBe(200);
  }
  return (signed['datapackage.json'] as Signed).upload_url;
}

/** POST /package/upload as the user. */
export async function startLoad(userToken: string, url: string): Promise<{ status: number; json: unknown }> {
  return gateway(`/package/upload?datapackage=${encodeURIComponent(url)}`, { method: 'POST', headers: { authorization: `Bearer ${userToken}` } });
}

/** Polls /package/status until the load ends; answers the statuses seen and the last answer. */
export async function follow(url: string, limitSeconds = 120): Promise<{ seen: string[]; last: Record<string, unknown> }> {
  const seen: string[] = [];
  const until = Date.now() + limitSeconds * 1000;
  while (Date.now() < until) {
    const body = (await gateway(`/package/status?datapackage=${encodeURIComponent(url)}`)).json as Record<string, unknown>;
    if (seen.at(-1) !== body.status) seen.push(String(body.status));
    if (body.status === 'done' || body.status === 'fail') return { seen, last: body };
    await sleep(100);
  }
  throw new Error(`the load did not end: ${seen.join(' → ')}`);
}

/** One SQL query against the stack's database. */
export async function sql<T>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: testStack().databaseUrl });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

export async function countRows(table: string): Promise<number> {
  const [row] = await sql<{ n: number }>(`select count(*)::int as n from "${table}"`);
  return row?.n ?? 0;
}

/**
 * Puts a generated package of `rows` rows (id, a quoted label, an amount) in
 * the datastore bucket straight through S3, under `<owner>/<name>/`, for tests
 * that start a load workflow themselves; answers the descriptor's object key.
 */
export async function putGeneratedPackage(owner: string, name: string, rows: number): Promise<string> {
  const stack = testStack();
  const s3 = createObjectStoreClient({ endpoint: stack.s3Endpoint, publicEndpoint: stack.s3Endpoint, accessKey: stack.s3AccessKey, secretKey: stack.s3SecretKey, bucket: stack.s3Bucket, region: 'us-east-1' });
  const lines = ['id,label,amount'];
  for (let i = 1; i <= rows; i++) lines.push(`${i},"item ${i % 977}, batch ${i % 13}",${(i * 7.25).toFixed(2)}`);
  await s3.putObject(stack.s3Bucket, `${owner}/${name}/data.csv`, Buffer.from(`${lines.join('\n')}\n`));
  const descriptor = {
    name,
    resources: [{ name: 'data', path: 'data.csv', schema: { fields: [{ name: 'id', type: 'integer' }, { name: 'label', type: 'string' }, { name: 'amount', type: 'number' }] } }],
    model: { measures: { amount: { source: 'amount', currency: 'EUR' } }, dimensions: { item: { attributes: { label: { source: 'label' } }, primaryKey: 'label' } } },
  };
  await s3.putObject(stack.s3Bucket, `${owner}/${name}/datapackage.json`, Buffer.from(JSON.stringify(descriptor)));
  return `${owner}/${name}/datapackage.json`;
}
