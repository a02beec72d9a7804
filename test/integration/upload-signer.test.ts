/** The SigV4 upload signer against the real MinIO: a URL used after its expiry is refused. */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { SigV4UploadSigner } from '../../src/adapters/minio/sigv4-upload-signer.ts';
import { testStack } from '../setup/test-stack.ts';

describe('SigV4UploadSigner', () => {
  it('signs URLs that stop working when they expire', async () => {
    const stack = testStack();
    const signer = new SigV4UploadSigner({ endpoint: stack.s3Endpoint, publicEndpoint: stack.s3Endpoint, accessKey: stack.s3AccessKey, secretKey: stack.s3SecretKey, bucket: stack.s3Bucket, region: 'us-east-1' });
    const bytes = Buffer.from('expiring');
    const md5 = createHash('md5').update(bytes).digest('base64');
    const signed = await signer.presignPut({ key: `expiry-test/${Date.now()}.txt`, md5, length: bytes.length }, 1);
    const url = new URL(signed.url);
    for (const [name, values] of Object.entries(signed.query)) for (const value of values) url.searchParams.append(name, value);
    await sleep(2500);
    const response = await fetch(url, { method: 'PUT', body: bytes, headers: { 'content-md5': md5 } });
    expect(response.status).toBe(403);
    expect(await response.text()).toMatch(/expired/i);
  });
});
