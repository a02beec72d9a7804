import { randomUUID } from 'node:crypto';
import { CoreError } from '../errors.js';
import type { Permissions } from '../../ports/permission-store.js';
import type { RevocationStore } from '../../ports/revocation-store.js';
import { InvalidTokenError, type TokenCodec } from '../../ports/token-codec.js';

/** How long tokens live. */
export interface TokenLifetimes {
  userSeconds: number;
  /** A cap on permission tokens; without one they live as long as the user token they come from. */
  permissionSeconds?: number;
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

  /**
   * A permission token made from a verified user token: it names that token
   * (`sid`), so it is refused once the user token is revoked (logout), and it
   * never outlives it. os-packager fetches one at login and reuses it for the
   * whole session, so it is not cut shorter unless PERMISSION_TOKEN_TTL_SECONDS says so.
   */
  issuePermissionToken(from: UserTokenClaims, service: string, permissions: Permissions): Promise<string> {
    const untilUserTokenExpires = Math.max(1, from.exp - Math.floor(Date.now() / 1000));
    const ttl = Math.min(untilUserTokenExpires, this.lifetimes.permissionSeconds ?? untilUserTokenExpires);
    return this.codec.sign('permission', { userid: from.userid, service, permissions, sid: from.jti }, ttl);
  }

  /** Throws CoreError `unauthenticated` unless the token is a valid permission token. */
  async verifyPermissionToken(token: string | undefined): Promise<PermissionTokenClaims> {
    const claims = await this.verify('permission', token);
    const { userid, service, permissions } = claims;
    if (typeof userid !== 'string' || typeof service !== 'string' || !isObject(permissions)) {
      throw new CoreError('unauthenticated', 'Invalid token');
    }
    // Logging out revokes the user token, and with it every permission token made from it.
    if (typeof claims.sid === 'string' && (await this.revocations.isRevoked(claims.sid))) throw new CoreError('unauthenticated', 'Token has been revoked');
    return { userid, service, permissions };
  }

  /** The kind a token claims to be, unverified: which verification to run when a route takes two kinds. */
  claimedKind(token: string): 'user' | 'permission' | undefined {
    if (token.length > maxTokenLength) return undefined;
    const kind = this.codec.claimedKind(token);
    return kind === 'user' || kind === 'permission' ? kind : undefined;
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
