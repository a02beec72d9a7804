import { CoreError } from '../errors.js';

const armour = /-----(BEGIN|END) CRYPT4GH PUBLIC KEY-----/g;

/**
 * A user's Crypt4GH public key by GHGA's rules: armour stripped, base64 of
 * exactly 32 bytes (X25519); a private key is refused outright. Returns the
 * bare base64 that is stored and sealed to.
 */
export function normaliseCrypt4ghKey(input: string): string {
  if (!input || !input.trim()) throw new CoreError('unprocessable', 'Key must be a non-empty string');
  if (/-.*PRIVATE.*-/.test(input)) throw new CoreError('unprocessable', 'Do not pass a private key');
  const bare = input.replace(armour, '').trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(bare) || bare.length % 4 !== 0) throw new CoreError('unprocessable', 'Invalid key');
  const bytes = Buffer.from(bare, 'base64');
  if (bytes.length !== 32) throw new CoreError('unprocessable', 'Invalid key');
  return bare;
}
