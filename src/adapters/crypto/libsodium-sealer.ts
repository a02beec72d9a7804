import sodium from 'libsodium-wrappers';
import type { Sealer } from '../../ports/sealer.js';

/** crypto_box_seal from libsodium (what GHGA and PyNaCl's SealedBox use). */
export class LibsodiumSealer implements Sealer {
  async seal(plaintext: string, publicKeyBase64: string): Promise<string> {
    await sodium.ready;
    const sealed = sodium.crypto_box_seal(sodium.from_string(plaintext), Buffer.from(publicKeyBase64, 'base64'));
    return Buffer.from(sealed).toString('base64');
  }
}
