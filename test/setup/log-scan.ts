import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

// A signed JWT (header and payload are base64url JSON, so both start with `eyJ`), and a presigned URL's signature.
const credentialPatterns = [/eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{16,}/, /X-Amz-Signature=[0-9a-f]{16,}/i];

/** Every log line of the stack (any file under the folder) that holds a credential, as `file: line`, shortened. */
export function credentialsInLogs(folder: string): string[] {
  const found: string[] = [];
  const visit = (path: string) => {
    if (statSync(path).isDirectory()) return readdirSync(path).forEach((name) => visit(join(path, name)));
    for (const line of readFileSync(path, 'latin1').split('\n')) {
      const match = credentialPatterns.map((pattern) => pattern.exec(line)).find(Boolean);
      if (match) found.push(`${path}: …${line.slice(Math.max(0, match.index - 80), match.index + 40)}…`);
    }
  };
  visit(folder);
  return found;
}
