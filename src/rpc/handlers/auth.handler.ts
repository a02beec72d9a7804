import { CoreError } from '../../core/errors.js';
import type { PermissionService } from '../../core/auth/permissions.service.js';
import type { TokenService } from '../../core/auth/tokens.service.js';
import type { UserService } from '../../core/auth/users.service.js';
import { AuthServiceService, type AuthServiceServer, type CheckResponse, type Profile } from '../../gen/conductor/auth/v1/auth.js';
import type { SigningKeys } from '../../ports/signing-keys.js';
import type { UserRecord } from '../../ports/user-store.js';
import { expectCaller, type Caller } from '../caller.js';
import { serviceHandlers, type RpcRuntime } from '../service-handlers.js';

export interface AuthHandlerDeps {
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
export function authHandlers(runtime: RpcRuntime, deps: AuthHandlerDeps): AuthServiceServer {
  const { tokens, users, permissions } = deps;

  /** The user record behind a user caller, or undefined (the reference answers such calls with 200 shapes, not errors). */
  const userOf = async (caller: Caller): Promise<UserRecord | null> => (caller.kind === 'user' ? users.find(caller.userid) : null);

  return serviceHandlers<AuthServiceServer>(AuthServiceService, runtime, {
    check: async (request, { caller }): Promise<CheckResponse> => {
      const user = await userOf(caller);
      if (user) return { authenticated: true, profile: toProfile(user), providers: {} };
      const next = request.next || undefined;
      return {
        authenticated: false,
        profile: undefined,
        providers: Object.fromEntries(deps.providers.map((provider) => [provider, { url: deps.loginUrl(provider, next) }])),
      };
    },

    authorize: async (request, { caller }) => {
      const user = await userOf(caller);
      if (!user || !request.service || caller.kind !== 'user') return { permissions: {} };
      const granted = await permissions.permissionsFor(user.idhash, request.service);
      const issueServiceToken = Object.hasOwn(deps.serviceTokens, request.service) ? deps.serviceTokens[request.service] : undefined;
      return {
        token: issueServiceToken ? await issueServiceToken(user) : await tokens.issuePermissionToken(caller.claims, request.service, granted),
        userid: user.idhash,
        permissions: granted,
        service: request.service,
      };
    },

    update: async (request, { caller }) => {
      if (caller.kind !== 'user') return { success: false, error: caller.kind === 'anonymous' && caller.presentedToken ? 'Not authenticated' : 'No token' };
      if (request.username === undefined) {
        return (await users.find(caller.userid)) ? { success: true } : { success: false, error: 'Unknown User' };
      }
      return users.setUsername(caller.userid, request.username);
    },

    logout: async (_request, { caller }) => {
      const { claims } = expectCaller(caller, 'user');
      const user = await users.find(claims.userid);
      if (!user) throw new CoreError('unauthenticated', 'Not authenticated');
      await tokens.revokeUserToken(claims);
      await users.logout(user);
      return { success: true };
    },

    setPermissions: async (request) => ({
      permissions: await permissions.set(request.userid, request.service, request.permissions ?? {}),
    }),

    getPublicKey: async () => ({
      contentType: 'application/x-pem-file',
      data: Buffer.from(deps.keys.publicKeyPem),
      extensions: [],
    }),

    getJwks: async () => ({ keys: [deps.keys.publicJwk] }),

    getLib: async () => ({
      contentType: 'application/javascript; charset=utf-8',
      data: deps.browserLibrary,
      extensions: [],
    }),
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
