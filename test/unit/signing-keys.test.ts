/** The service key: asymmetric only, PEM or JWK, with a stable key id. */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadSigningKeys } from '../../src/adapters/keys/signing-keys.adapter.ts';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;

describe('loadSigningKeys', () => {
  it('takes an RSA PEM and signs RS256', async () => {
    const keys = await loadSigningKeys({ signingKey: rsa.export({ type: 'pkcs8', format: 'pem' }).toString(), signingKeyFile: undefined });
    expect(keys.algorithm).toBe('RS256');
    expect(keys.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(keys.publicJwk).toMatchObject({ kty: 'RSA', alg: 'RS256', kid: keys.keyId });
  });

  it('takes a P-256 JWK and signs ES256, with the same key id every time', async () => {
    const jwk = JSON.stringify(ec.export({ format: 'jwk' }));
    const first = await loadSigningKeys({ signingKey: jwk, signingKeyFile: undefined });
    const second = await loadSigningKeys({ signingKey: jwk, signingKeyFile: undefined });
    expect(first.algorithm).toBe('ES256');
    expect(first.keyId).toBe(second.keyId);
    expect(first.publicJwk).not.toHaveProperty('d');
  });

  it('refuses short RSA keys, other curves and text that is not a key', async () => {
    const short = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await expect(loadSigningKeys({ signingKey: short, signingKeyFile: undefined })).rejects.toThrow(/at least 2048 bits/);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await expect(loadSigningKeys({ signingKey: p384, signingKeyFile: undefined })).rejects.toThrow(/P-256/);
    await expect(loadSigningKeys({ signingKey: 'a shared secret', signingKeyFile: undefined })).rejects.toThrow(/not a PEM or JWK private key/);
  });

  it('refuses a public key where the private key belongs', async () => {
    const publicPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await expect(loadSigningKeys({ signingKey: publicPem, signingKeyFile: undefined })).rejects.toThrow(/not a PEM or JWK private key/);
  });
});
