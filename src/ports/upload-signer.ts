/** One file to be uploaded, as the client declared it. */
export interface UploadDeclaration {
  /** Object key in the datastore bucket. */
  key: string;
  /** base64 MD5 digest. */
  md5: string;
  length: number;
  type?: string;
}

/** A presigned PUT: the URL without its query, and the query as a dict of string lists (the reference's shape). */
export interface SignedUpload {
  url: string;
  query: Record<string, string[]>;
}

/** Presigns uploads so the object store itself refuses bytes that differ from the declaration. */
export interface UploadSigner {
  presignPut(upload: UploadDeclaration, expiresInSeconds: number): Promise<SignedUpload>;
}
