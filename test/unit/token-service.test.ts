/** TokenService over the real JWT codec: kinds never mix, revocation holds (the revocation store is a fake of its port). */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { JoseTokenCodec } from '../../src/adapters/keys/jose-token-codec.ts';
import { loadSigningKeys } from '../../src/adapters/keys/signing-keys.adapter.ts';
import { TokenService } from '../../src/core/auth/tokens.service.ts';
import type { RevocationStore } from '../../src/ports/revocation-store.ts';

class MemoryRevocations implements RevocationStore {
  readonly revoked = new Map<string, Date>();
  async revoke(jti: string, expiresAt: Date) {
    this.revoked.set(jti, expiresAt);
  }
  async isRevoked(jti: string) {
    return this.revoked.has(jti);
  }
}

async function service() {
  const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const revocations = new MemoryRevocations();
  const tokens = new TokenService(new JoseTokenCodec(await loadSigningKeys({ signingKey: pem, signingKeyFile: undefined })), revocations, { userSeconds: 60 });
  return { tokens, revocations };
}

describe('TokenService', () => {
  it('verifies its own user and permission tokens', async () => {
    const { tokens } = await service();
    expect(await tokens.verifyUserToken(await tokens.issueUserToken('a'.repeat(32)))).toMatchObject({ userid: 'a'.repeat(32) });
    const user = await tokens.verifyUserToken(await tokens.issueUserToken('a'.repeat(32)));
    expect(await tokens.verifyPermissionToken(await tokens.issuePermissionToken(user, 'os.datastore', { x: true }))).toEqual({
      userid: 'a'.repeat(32),
      service: 'os.datastore',
      permissions: { x: true },
    });
  });

  it('never accepts one kind as the other', async () => {
    const { tokens } = await service();
    const user = await tokens.issueUserToken('a'.repeat(32));
    const permission = await tokens.issuePermissionToken(await tokens.verifyUserToken(user), 'os.datastore', {});
    await expect(tokens.verifyPermissionToken(user)).rejects.toMatchObject({ kind: 'unauthenticated' });
    await expect(tokens.verifyUserToken(permission)).rejects.toMatchObject({ kind: 'unauthenticated' });
  });

  it('refuses a revoked user token, and tokens from another service key', async () => {
    const { tokens } = await service();
    const token = await tokens.issueUserToken('b'.repeat(32));
    await tokens.revokeUserToken(await tokens.verifyUserToken(token));
    await expect(tokens.verifyUserToken(token)).rejects.toMatchObject({ kind: 'unauthenticated', message: 'Token has been revoked' });
    const other = await service();
    await expect(other.tokens.verifyUserToken(await tokens.issueUserToken('c'.repeat(32)))).rejects.toMatchObject({ kind: 'unauthenticated' });
  });

  it('makes permission tokens that live as long as their user token and die with it on logout', async () => {
    const { tokens } = await service();
    const user = await tokens.verifyUserToken(await tokens.issueUserToken('d'.repeat(32)));
    const permission = await tokens.issuePermissionToken(user, 'os.datastore', { 'datapackage-upload': true });
    const claims = JSON.parse(Buffer.from(permission.split('.')[1] ?? '', 'base64url').toString()) as { exp: number; sid: string };
    expect(claims.exp).toBe(user.exp);
    expect(claims.sid).toBe(user.jti);
    await tokens.revokeUserToken(user);
    await expect(tokens.verifyPermissionToken(permission)).rejects.toMatchObject({ kind: 'unauthenticated', message: 'Token has been revoked' });
  });

  it('says No token for a missing token', async () => {
    const { tokens } = await service();
    await expect(tokens.verifyUserToken(undefined)).rejects.toMatchObject({ message: 'No token' });
  });
});
