import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import type { AuthConfig } from '../../config/auth.config.js';
import type { SigningKeys } from '../../ports/signing-keys.js';

/** Loads the configured private key (PEM or JWK, inline or from a file) and derives its public half. */
export async function loadSigningKeys(config: Pick<AuthConfig, 'signingKey' | 'signingKeyFile'>): Promise<SigningKeys> {
  const text = config.signingKey ?? (await readFile(config.signingKeyFile as string, 'utf8'));
  const privateKey = parsePrivateKey(text.trim());
  const publicKey = createPublicKey(privateKey);
  const algorithm = algorithmOf(privateKey);
  const jwk = await exportJWK(publicKey);
  const keyId = await calculateJwkThumbprint(jwk);
  return {
    algorithm,
    keyId,
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    publicJwk: { ...(jwk as Record<string, string>), kid: keyId, alg: algorithm, use: 'sig' },
  };
}

function parsePrivateKey(text: string): KeyObject {
  try {
    if (text.startsWith('{')) return createPrivateKey({ key: JSON.parse(text), format: 'jwk' });
    return createPrivateKey(text);
  } catch (error) {
    throw new Error(`the signing key is not a PEM or JWK private key: ${(error as Error).message}`);
  }
}

/** Asymmetric only: RSA (2048+ bits) signs RS256, P-256 signs ES256; anything else is refused. */
function algorithmOf(key: KeyObject): string {
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'rsa' && (details?.modulusLength ?? 0) >= 2048) return 'RS256';
  if (key.asymmetricKeyType === 'ec' && details?.namedCurve === 'prime256v1') return 'ES256';
  throw new Error('the signing key must be an RSA key of at least 2048 bits or a P-256 EC key');
}
