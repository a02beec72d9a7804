import type { Client as ObjectStoreClient } from 'minio';
import type { DescriptorSource } from '../../core/packages/load.types.js';
import { CoreError } from '../../core/errors.js';
import type { PackageFiles } from '../../ports/package-files.js';
import { InternalAddressError } from '../http/public-address.js';
import { fetchPublic } from '../http/public-fetch.js';

/** Package files from the datastore bucket (S3 API) or the web (public addresses only). */
export class ObjectStoreAndWebPackageFiles implements PackageFiles {
  constructor(
    private readonly objectStore: ObjectStoreClient,
    private readonly bucket: string,
  ) {}

  async open(source: DescriptorSource): Promise<AsyncIterable<Uint8Array>> {
    return source.kind === 'datastore' ? this.fromDatastore(source.key) : this.fromWeb(new URL(source.url));
  }

  private async fromDatastore(key: string): Promise<AsyncIterable<Uint8Array>> {
    try {
      return await this.objectStore.getObject(this.bucket, key);
    } catch (error) {
      const code = (error as { code?: string }).code;
      // Named inside the owner's folder: the status of a load is public, the owner's id and the bucket layout are not.
      if (code === 'NoSuchKey' || code === 'NotFound') throw new CoreError('not-found', `${key.split('/').slice(1).join('/')} is not in the datastore`);
      throw new Error(`Cannot read ${key} from the datastore: ${(error as Error).message}`);
    }
  }

  private async fromWeb(url: URL): Promise<AsyncIterable<Uint8Array>> {
    let response;
    try {
      response = await fetchPublic(url);
    } catch (error) {
      if (error instanceof InternalAddressError) throw new CoreError('permission-denied', `${url.hostname} resolves to an internal address; only public hosts are fetched`);
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new Error(`Cannot fetch ${url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    }
    if (response.status >= 400 && response.status < 500) throw new CoreError('not-found', `${url} answered ${response.status}`);
    if (!response.ok || !response.body) throw new Error(`${url} answered ${response.status}`);
    return response.body;
  }
}
