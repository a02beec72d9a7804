import { Client } from 'minio';
import type { ObjectStoreConfig } from '../../config/object-store.config.js';

export type ObjectStoreClient = Client;

/** The S3 client (MinIO's, which speaks to any S3-compatible store). */
export function createObjectStoreClient(config: ObjectStoreConfig): ObjectStoreClient {
  const url = new URL(config.endpoint);
  const useSSL = url.protocol === 'https:';
  return new Client({
    endPoint: url.hostname,
    port: url.port ? Number(url.port) : useSSL ? 443 : 80,
    useSSL,
    accessKey: config.accessKey,
    secretKey: config.secretKey,
    region: config.region,
    pathStyle: true,
  });
}

/**
 * Creates the datastore bucket when it does not exist yet. Server processes
 * starting together may each find it missing: the ones that lose the race
 * are told it is already theirs, which is what they wanted.
 */
export async function ensureBucket(client: ObjectStoreClient, config: ObjectStoreConfig): Promise<void> {
  if (await client.bucketExists(config.bucket)) return;
  try {
    await client.makeBucket(config.bucket, config.region);
  } catch (error) {
    if ((error as { code?: string }).code !== 'BucketAlreadyOwnedByYou') throw error;
  }
}
