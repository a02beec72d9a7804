import { CoreError } from '../errors.js';

/** A file as the client declares it in `filedata`. */
export interface DeclaredFile {
  length?: number;
  md5?: string;
  type?: string;
  name?: string;
}

/** The body of `/datastore/authorize`. */
export interface UploadRequest {
  metadata?: { owner?: string; name?: string };
  filedata: Record<string, DeclaredFile>;
}

/** A declaration that passed every check. */
export interface ValidFile {
  path: string;
  length: number;
  md5: string;
  type?: string;
  name: string;
}

export interface UploadLimits {
  maxFiles: number;
  maxFileBytes: number;
}

const controlCharacters = /[\u0000-\u001f\u007f]/;
const base64Md5 = /^[A-Za-z0-9+/]{22}==$/;
const mediaType = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}(\s*;\s*[A-Za-z0-9_.-]+=("[^"\\]*"|[A-Za-z0-9_.+-]+))*$/;

const bad = (message: string) => new CoreError('invalid-argument', message);

/**
 * Checks a storage path (a package name or a file path inside it) so the key
 * `<owner>/<name>/<path>` can never leave the user's folder or confuse a
 * client: relative, `/`-separated, no empty, `.` or `..` segment, no
 * backslash or control character.
 */
export function storagePathProblem(path: string, maxLength: number): string | undefined {
  if (!path) return 'must not be empty';
  if (path.length > maxLength) return `must be at most ${maxLength} characters`;
  if (controlCharacters.test(path)) return 'must not contain control characters';
  if (path.includes('\\')) return 'must not contain backslashes';
  if (path.startsWith('/')) return 'must be relative (no leading /)';
  const segments = path.split('/');
  if (segments.some((segment) => segment === '')) return 'must not contain empty segments (//, trailing /)';
  if (segments.some((segment) => segment === '.' || segment === '..')) return 'must not contain . or .. segments';
  return undefined;
}

/** Validates the whole body; the first problem found is reported, naming its field. */
export function validateUploadRequest(request: UploadRequest, limits: UploadLimits): { owner: string; name: string; files: ValidFile[] } {
  const owner = request.metadata?.owner;
  const name = request.metadata?.name;
  if (!request.metadata) throw bad('metadata is required');
  if (!owner) throw bad('metadata.owner is required');
  if (!name) throw bad('metadata.name is required');
  const ownerProblem = storagePathProblem(owner, 128) ?? (owner.includes('/') ? 'must be a single path segment' : undefined);
  if (ownerProblem) throw bad(`metadata.owner ${ownerProblem}`);
  const nameProblem = storagePathProblem(name, 256) ?? (name.includes('/') ? 'must be a single path segment' : undefined);
  if (nameProblem) throw bad(`metadata.name ${nameProblem}`);

  const entries = Object.entries(request.filedata);
  if (entries.length > limits.maxFiles) throw bad(`filedata has ${entries.length} files; at most ${limits.maxFiles} per request`);
  const files = entries.map(([path, file]) => {
    const field = `filedata[${JSON.stringify(path.slice(0, 200))}]`;
    const pathProblem = storagePathProblem(path, 1024);
    if (pathProblem) throw bad(`${field}: the path ${pathProblem}`);
    if (file.length === undefined) throw bad(`${field}.length is required`);
    if (!Number.isInteger(file.length) || file.length < 0) throw bad(`${field}.length must be a non-negative whole number of bytes`);
    if (file.length > limits.maxFileBytes) throw bad(`${field}.length must be at most ${limits.maxFileBytes} bytes`);
    if (file.md5 === undefined) throw bad(`${field}.md5 is required`);
    if (!base64Md5.test(file.md5)) throw bad(`${field}.md5 must be the base64 MD5 digest of the file (24 characters)`);
    if (file.type !== undefined && !mediaType.test(file.type)) throw bad(`${field}.type must be a media type such as text/csv`);
    const fileName = file.name ?? path.split('/').at(-1) ?? path;
    if (fileName.length > 256 || controlCharacters.test(fileName)) throw bad(`${field}.name must be at most 256 characters without control characters`);
    return { path, length: file.length, md5: file.md5, type: file.type, name: fileName };
  });
  return { owner, name, files };
}
