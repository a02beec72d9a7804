import { CoreError } from '../errors.js';
import { storagePathProblem } from '../datastore/upload-request.validation.js';

/** Where a descriptor is read from: the datastore bucket (through the S3 API), or an allowed web host. */
export type DescriptorLocation = { kind: 'datastore'; key: string } | { kind: 'web'; url: URL };

export interface DescriptorUrlPolicy {
  /** `<public S3 endpoint>/<bucket>`: URLs under it are read from the bucket, never fetched over HTTP. */
  datastoreBase: string;
  /** Other hosts a descriptor may come from (`example.org`, or `*.example.org` for its subdomains); none by default. */
  allowedHosts: string[];
}

const bad = (message: string) => new CoreError('invalid-argument', message);
const controlCharacter = /[\u0000-\u001f\u007f]/;

/** A descriptor URL that can name a load at all (what `/package/status` checks before looking it up). */
export function checkDescriptorUrlText(raw: string | undefined): string {
  if (!raw) throw bad('datapackage is required');
  if (raw.length > 2048) throw bad('datapackage is too long (at most 2048 characters)');
  if (controlCharacter.test(raw)) throw bad('datapackage must not contain control characters');
  return raw;
}

/**
 * Decides whether a `datapackage` URL may be loaded and from where. Refused
 * (400): malformed or non-http(s) URLs, credentials in the URL, paths that
 * leave a folder, and hosts not allowed by configuration. Whether an allowed
 * host resolves to a private address is checked when it is fetched.
 */
export function locateDescriptor(given: string | undefined, policy: DescriptorUrlPolicy): DescriptorLocation {
  const raw = checkDescriptorUrlText(given);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw bad('datapackage must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw bad('datapackage must be an http(s) URL');
  if (url.username || url.password) throw bad('datapackage must not carry credentials');
  const base = `${policy.datastoreBase.replace(/\/+$/, '')}/`;
  if (raw.startsWith(base)) {
    // The key as written, not as URL parsing normalised it (`a/../b` must be refused, not resolved).
    let key: string;
    try {
      key = decodeURIComponent(raw.slice(base.length).split(/[?#]/)[0] ?? '');
    } catch {
      throw bad('datapackage: the object path is not valid percent-encoding');
    }
    const problem = storagePathProblem(key, 1024);
    if (problem) throw bad(`datapackage: the object path ${problem}`);
    return { kind: 'datastore', key };
  }
  const host = url.hostname.toLowerCase();
  const allowed = policy.allowedHosts.some((pattern) => (pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) : host === pattern.toLowerCase()));
  if (!allowed) throw bad(`datapackage host not allowed: ${host} (upload to the datastore, or ask for the host to be allowed)`);
  return { kind: 'web', url };
}
