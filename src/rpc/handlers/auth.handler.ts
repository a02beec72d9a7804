import { CoreError } from '../../core/errors.js';
import type { PermissionService } from '../../core/auth/permissions.service.js';
import type { TokenService } from '../../core/auth/tokens.service.js';
import type { UserService } from '../../core/auth/users.service.js';
import { AuthServiceService, type AuthServiceServer, type CheckResponse, type Profile } from '../../gen/conductor/auth/v1/auth.js';
import type { Logger } from '../../logger.js';
import type { SigningKeys } from '../../ports/signing-keys.js';
import type { UserRecord } from '../../ports/user-store.js';
import { requestToken } from '../request-token.js';
import { serviceHandlers } from '../service-handlers.js';
import { unary } from '../unary.js';

export interface AuthHandlerDeps {
  logger: Logger;
  keys: SigningKeys;
  tokens: TokenService;
  users: UserService;
  permissions: PermissionService;
  /** Configured identity providers and their login URL for a `next`. */
  providers: string[];
  loginUrl(provider: string, next: string | undefined): string;
  /** The browser library served at /user/lib. */
  browserLibrary: Buffer;
  /** Services whose token is not a permission token (the work-package service's internal access token). */
  serviceTokens: Record<string, (user: UserRecord) => Promise<string>>;
}

/** AuthService over gRPC: `/user/*` and `/auth/*`. */
export function authHandlers(deps: AuthHandlerDeps): AuthServiceServer {
  const { logger, tokens, users, permissions } = deps;

  /** The user of a valid user token, or undefined (the reference answers such calls with 200 shapes, not errors). */
  const userOf = async (token: string | undefined): Promise<{ user: UserRecord; claims: Awaited<ReturnType<TokenService['verifyUserToken']>> } | undefined> => {
    try {
      const claims = await tokens.verifyUserToken(token);
      const user = await users.find(claims.userid);
      return user ? { user, claims } : undefined;
    } catch (error) {
      if (error instanceof CoreError) return undefined;
      throw error;
    }
  };

  return serviceHandlers<AuthServiceServer>(AuthServiceService, logger, {
    check: unary(logger, async (request, context): Promise<CheckResponse> => {
      const found = await userOf(requestToken(context, request.jwt));
      if (found) return { authenticated: true, profile: toProfile(found.user), providers: {} };
      const next = request.next || undefined;
      return {
        authenticated: false,
        profile: undefined,
        providers: Object.fromEntries(deps.providers.map((provider) => [provider, { url: deps.loginUrl(provider, next) }])),
      };
    }),

    authorize: unary(logger, async (request, context) => {
      const found = await userOf(requestToken(context, request.jwt));
      if (!found || !request.service) return { permissions: {} };
      const granted = await permissions.permissionsFor(found.user.idhash, request.service);
      const issueServiceToken = Object.hasOwn(deps.serviceTokens, request.service) ? deps.serviceTokens[request.service] : undefined;
      return {
        token: issueServiceToken ? await issueServiceToken(found.user) : await tokens.issuePermissionToken(found.user.idhash, request.service, granted),
        userid: found.user.idhash,
        permissions: granted,
        service: request.service,
      };
    }),

    update: unary(logger, async (request, context) => {
      const token = requestToken(context, request.jwt);
      if (!token) return { success: false, error: 'No token' };
      let userid: string;
      try {
        userid = (await tokens.verifyUserToken(token)).userid;
      } catch (error) {
        if (error instanceof CoreError) return { success: false, error: 'Not authenticated' };
        throw error;
      }
      if (request.username === undefined) {
        return (await users.find(userid)) ? { success: true } : { success: false, error: 'Unknown User' };
      }
      return users.setUsername(userid, request.username);
    }),

    logout: unary(logger, async (request, context) => {
      const found = await userOf(requestToken(context, request.jwt));
      if (!found) throw new CoreError('unauthenticated', 'Not authenticated');
      await tokens.revokeUserToken(found.claims);
      await users.logout(found.user);
      return { success: true };
    }),

    setPermissions: unary(logger, async (request) => ({
      permissions: await permissions.set(request.userid, request.service, request.permissions ?? {}),
    })),

    getPublicKey: unary(logger, async () => ({
      contentType: 'application/x-pem-file',
      data: Buffer.from(deps.keys.publicKeyPem),
      extensions: [],
    })),

    getJwks: unary(logger, async () => ({ keys: [deps.keys.publicJwk] })),

    getLib: unary(logger, async () => ({
      contentType: 'application/javascript; charset=utf-8',
      data: deps.browserLibrary,
      extensions: [],
    })),
  });
}

function toProfile(user: UserRecord): Profile {
  return {
    id: user.profileId,
    name: user.name,
    email: user.email,
    avatarUrl: user.avatarUrl,
    idhash: user.idhash,
    username: user.username ?? undefined,
    joinDate: user.joinDate.toISOString(),
  };
}
