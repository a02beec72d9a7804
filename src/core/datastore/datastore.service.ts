import { CoreError } from '../errors.js';
import type { PermissionTokenClaims } from '../auth/tokens.service.js';
import type { UploadSigner } from '../../ports/upload-signer.js';
import { uploadRefusal } from './upload-access.js';
import { validateUploadRequest, type UploadLimits, type UploadRequest } from './upload-request.validation.js';

/** One signed file of the answer, in the reference's shape. */
export interface AuthorizedFile {
  md5: string;
  name: string;
  length: number;
  type?: string;
  upload_url: string;
  upload_query: Record<string, string[]>;
}

export interface DatastoreSettings extends UploadLimits {
  urlExpirySeconds: number;
}

/** Authorized uploads into `<owner>/<package>/<path>` of the datastore bucket, and the user's public prefixes. */
export class DatastoreService {
  constructor(
    private readonly signer: UploadSigner,
    private readonly settings: DatastoreSettings,
    private readonly publicPrefixes: (userid: string) => string[],
  ) {}

  /** Signs one upload per declared file, after the permission, the body and the owner all check out. */
  async authorize(permission: PermissionTokenClaims, request: UploadRequest): Promise<Record<string, AuthorizedFile>> {
    // The reference answers 401 to a token that does not allow uploading.
    const refusal = uploadRefusal(permission);
    if (refusal) throw new CoreError('unauthenticated', refusal);
    const { owner, name, files } = validateUploadRequest(request, this.settings);
    if (owner !== permission.userid) throw new CoreError('unauthenticated', 'metadata.owner is not the token’s user');

    const signed = await Promise.all(
      files.map(async (file) => {
        const upload = await this.signer.presignPut({ key: `${owner}/${name}/${file.path}`, md5: file.md5, length: file.length, type: file.type }, this.settings.urlExpirySeconds);
        const answer: AuthorizedFile = { md5: file.md5, name: file.name, length: file.length, upload_url: upload.url, upload_query: upload.query };
        if (file.type !== undefined) answer.type = file.type;
        return [file.path, answer] as const;
      }),
    );
    return Object.fromEntries(signed);
  }

  info(userid: string): string[] {
    return this.publicPrefixes(userid);
  }
}

/**
 * The reference's prefixes (path-style and virtual-host-style, http and
 * https, with and without the default port) for a public endpoint host and a bucket.
 */
export function referencePrefixes(publicEndpoint: string, bucket: string): (userid: string) => string[] {
  const endpoint = new URL(publicEndpoint);
  const host = endpoint.hostname;
  // Uploads go to the public endpoint as configured, port included: its prefix
  // comes first, so the list covers the user's files (the reference's eight
  // assume ports 80 and 443).
  const actual = endpoint.port ? [`${endpoint.protocol}//${endpoint.host}/${bucket}`] : [];
  return (userid) => [
    ...actual.map((prefix) => `${prefix}/${userid}`),
    `http://${host}:80/${bucket}/${userid}`,
    `http://${host}/${bucket}/${userid}`,
    `http://${bucket}:80/${userid}`,
    `http://${bucket}/${userid}`,
    `https://${host}:443/${bucket}/${userid}`,
    `https://${host}/${bucket}/${userid}`,
    `https://${bucket}:443/${userid}`,
    `https://${bucket}/${userid}`,
  ];
}
