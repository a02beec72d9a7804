/** Seals data to a Crypt4GH (X25519) public key so only its owner can open it (libsodium crypto_box_seal). */
export interface Sealer {
  /** Returns the sealed box as standard base64. */
  seal(plaintext: string, publicKeyBase64: string): Promise<string>;
}
