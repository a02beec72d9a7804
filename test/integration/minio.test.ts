/** The MinIO (S3) client against the real MinIO, in a bucket of this test's own. */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createObjectStoreClient, ensureBucket } from '../../src/adapters/minio/client.ts';
import { testStack } from '../setup/test-stack.ts';

describe('MinIO', () => {
  const stack = testStack();
  const config = {
    endpoint: stack.s3Endpoint,
    publicEndpoint: stack.s3Endpoint,
    accessKey: stack.s3AccessKey,
    secretKey: stack.s3SecretKey,
    bucket: `test-wiring-${randomBytes(4).toString('hex')}`,
    region: 'us-east-1',
  };
  const client = createObjectStoreClient(config);
  const raced = { ...config, bucket: `test-raced-${randomBytes(4).toString('hex')}` };
  afterAll(async () => {
    await client.removeBucket(raced.bucket).catch(() => undefined);
    const names: string[] = [];
    for await (const item of client.listObjectsV2(config.bucket, '', true)) names.push((item as { name: string }).name);
    await client.removeObjects(config.bucket, names);
    await client.removeBucket(config.bucket);
  });

  it('creates the bucket once (a second call is a no-op)', async () => {
    await ensureBucket(client, config);
    await ensureBucket(client, config);
    expect(await client.bucketExists(config.bucket)).toBe(true);
  });

  it('creates the bucket when several server processes start at once (each finds it missing, one creates it)', async () => {
    await Promise.all(Array.from({ length: 4 }, () => ensureBucket(client, raced)));
    expect(await client.bucketExists(raced.bucket)).toBe(true);
  });

  it('stores and reads back an object byte for byte', async () => {
    const bytes = randomBytes(64 * 1024);
    await client.putObject(config.bucket, 'owner/package/data/file.csv', bytes, bytes.length, { 'Content-Type': 'text/csv' });
    const stream = await client.getObject(config.bucket, 'owner/package/data/file.csv');
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
    const stat = await client.statObject(config.bucket, 'owner/package/data/file.csv');
    expect(stat.size).toBe(bytes.length);
    expect(stat.metaData['content-type']).toBe('text/csv');
  });

  it('refuses wrong credentials', async () => {
    const intruder = createObjectStoreClient({ ...config, secretKey: 'not-the-secret' });
    await expect(intruder.bucketExists(config.bucket)).rejects.toThrow();
  });
});
