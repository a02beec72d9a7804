import { randomUUID } from 'node:crypto';
import { CoreError } from '../errors.js';
import type { Permissions } from '../../ports/permission-store.js';
import type { RevocationStore } from '../../ports/revocation-store.js';
import { InvalidTokenError, type TokenCodec } from '../../ports/token-codec.js';

/** How long tokens live. */
export interface TokenLifetimes {
  userSeconds: number;
  permissionSeconds: number;
}

/** A verified user token. */
export interface UserTokenClaims {
  userid: string;
  jti: string;
  exp: number;
}

/** A verified permission token. */
export interface PermissionTokenClaims {
  userid: string;
  service: string;
  permissions: Permissions;
}

/** Longer than any token Conductor signs: refused before any parsing. */
const maxTokenLength = 8192;

/**
 * The one place where Conductor's tokens are issued and verified; every
 * service (Auth, Datastore, Package, Search, WorkPackage) goes through it.
 */
export class TokenService {
  constructor(
    private readonly codec: TokenCodec,
    private readonly revocations: RevocationStore,
    private readonly lifetimes: TokenLifetimes,
  ) {}

  issueUserToken(userid: string): Promise<string> {
    return this.codec.sign('user', { userid, jti: randomUUID() }, this.lifetimes.userSeconds);
  }

  /** Throws CoreError `unauthenticated` for a missing, malformed, forged, expired, revoked or wrong-kind token. */
  async verifyUserToken(token: string | undefined): Promise<UserTokenClaims> {
    const claims = await this.verify('user', token);
    if (typeof claims.userid !== 'string' || typeof claims.jti !== 'string') throw new CoreError('unauthenticated', 'Invalid token');
    if (await this.revocations.isRevoked(claims.jti)) throw new CoreError('unauthenticated', 'Token has been revoked');
    return { userid: claims.userid, jti: claims.jti, exp: claims.exp };
  }

  issuePermissionToken(userid: string, service: string, permissions: Permissions): Promise<string> {
    return this.codec.sign('permission', { userid, service, permissions }, this.lifetimes.permissionSeconds);
  }

  /** Throws CoreError `unauthenticated` unless the token is a valid permission token. */
  async verifyPermissionToken(token: string | undefined): Promise<PermissionTokenClaims> {
    const claims = await this.verify('permission', token);
    const { userid, service, permissions } = claims;
    if (typeof userid !== 'string' || typeof service !== 'string' || !isObject(permissions)) {
      throw new CoreError('unauthenticated', 'Invalid token');
    }
    return { userid, service, permissions };
  }

  /** Revokes a verified user token until it would have expired. */
  async revokeUserToken(claims: UserTokenClaims): Promise<void> {
    await this.revocations.revoke(claims.jti, new Date(claims.exp * 1000));
  }

  private async verify(kind: 'user' | 'permission', token: string | undefined) {
    if (!token) throw new CoreError('unauthenticated', 'No token');
    if (token.length > maxTokenLength) throw new CoreError('unauthenticated', 'Invalid token');
    try {
      return await this.codec.verify(kind, token);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw new CoreError('unauthenticated', `Invalid token: ${error.message}`);
      throw error;
    }
  }
}

function isObject(value: unknown): value is Permissions {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
