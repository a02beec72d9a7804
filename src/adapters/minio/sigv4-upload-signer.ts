import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { ObjectStoreConfig } from '../../config/object-store.config.js';
import type { SignedUpload, UploadDeclaration, UploadSigner } from '../../ports/upload-signer.js';

/**
 * Presigned S3 PUTs (SigV4, query-string auth) whose signature covers
 * Content-MD5, Content-Length and Content-Type: an upload whose bytes, size or
 * type differ from the declaration is refused by the object store.
 *
 * The `minio` client's presignedPutObject signs only `host`, so this signs
 * with AWS's own SigV4 implementation (@smithy/signature-v4) instead.
 */
export class SigV4UploadSigner implements UploadSigner {
  private readonly signer: SignatureV4;
  private readonly endpoint: URL;

  constructor(private readonly config: ObjectStoreConfig) {
    // Signed for the public endpoint: the Host header is part of the signature, and clients upload there.
    this.endpoint = new URL(config.publicEndpoint);
    this.signer = new SignatureV4({
      service: 's3',
      region: config.region,
      credentials: { accessKeyId: config.accessKey, secretAccessKey: config.secretKey },
      sha256: Hash.bind(null, 'sha256'),
      uriEscapePath: false,
      applyChecksum: false,
    });
  }

  async presignPut(upload: UploadDeclaration, expiresInSeconds: number): Promise<SignedUpload> {
    const path = `${this.endpoint.pathname.replace(/\/$/, '')}/${this.config.bucket}/${upload.key.split('/').map(encodeURIComponent).join('/')}`;
    const headers: Record<string, string> = {
      host: this.endpoint.host,
      'content-md5': upload.md5,
      'content-length': String(upload.length),
    };
    if (upload.type) headers['content-type'] = upload.type;
    const signed = await this.signer.presign(
      {
        method: 'PUT',
        protocol: this.endpoint.protocol,
        hostname: this.endpoint.hostname,
        port: this.endpoint.port ? Number(this.endpoint.port) : undefined,
        path,
        // S3 presigned URLs sign no payload hash (the body is unknown when signing); the
        // header only tells the signer so, and is moved into the query with the other x-amz-* values.
        headers: { ...headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
        query: {},
      },
      { expiresIn: expiresInSeconds, signableHeaders: new Set(Object.keys(headers)) },
    );
    const query: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(signed.query ?? {})) {
      query[name] = (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string');
    }
    return { url: `${this.endpoint.origin}${path}`, query };
  }
}
