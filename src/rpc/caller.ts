import { CoreError } from '../core/errors.js';
import type { PermissionTokenClaims, TokenService, UserTokenClaims } from '../core/auth/tokens.service.js';
import type { InternalCredentials } from '../ports/internal-credentials.js';
import { InvalidTokenError } from '../ports/token-codec.js';
import type { InternalTokenVerifier, InternalUser } from '../ports/work-package-tokens.js';
import type { Access } from './access-policy.js';
import type { CallContext } from './unary.js';

/** Who is calling, as resolved from the call's credential before the handler runs. */
export type Caller =
  | { kind: 'anonymous'; /** A token was sent but is not valid (some routes answer differently). */ presentedToken: boolean }
  | { kind: 'user'; userid: string; claims: UserTokenClaims }
  | { kind: 'permission'; userid: string; claims: PermissionTokenClaims }
  | { kind: 'work-package-user'; user: InternalUser }
  | { kind: 'work-package-access'; token: string }
  | { kind: 'internal'; service: string };

export interface CallerResolverDeps {
  tokens: TokenService;
  workPackageTokens: InternalTokenVerifier;
  internalCredentials: InternalCredentials;
}

/** Turns a call's credential into a Caller according to the method's access; refuses what the access does not allow. */
export function callerResolver({ tokens, workPackageTokens, internalCredentials }: CallerResolverDeps) {
  const asUser = async (token: string | undefined): Promise<Caller | undefined> => {
    // Most anonymous calls carry no token: answered without building a refusal.
    if (!token) return undefined;
    const claims = await tokens.verifyUserToken(token).catch(undefinedWhenRefused);
    return claims && { kind: 'user', userid: claims.userid, claims };
  };
  const asPermission = async (token: string | undefined): Promise<Caller> => {
    const claims = await tokens.verifyPermissionToken(token);
    return { kind: 'permission', userid: claims.userid, claims };
  };

  return async (access: Access, request: unknown, context: CallContext): Promise<Caller> => {
    switch (access) {
      case 'public':
        return { kind: 'anonymous', presentedToken: false };
      case 'user-optional': {
        const token = requestToken(context, jwtOf(request));
        return (await asUser(token)) ?? { kind: 'anonymous', presentedToken: token !== undefined };
      }
      case 'user': {
        const claims = await tokens.verifyUserToken(requestToken(context, jwtOf(request)));
        return { kind: 'user', userid: claims.userid, claims };
      }
      case 'permission':
        return asPermission(requestToken(context, jwtOf(request)));
      case 'user-or-permission': {
        const token = requestToken(context, jwtOf(request));
        // The header's claimed kind picks the one verification to run (it is trusted for nothing else), so a
        // refusal says why the token failed as the kind it is: a revoked user token is "revoked", not "not a permission token".
        if (token && tokens.claimedKind(token) === 'permission') return asPermission(token);
        const claims = await tokens.verifyUserToken(token);
        return { kind: 'user', userid: claims.userid, claims };
      }
      case 'work-package-user': {
        const token = ghgaBearerToken(context);
        return { kind: 'work-package-user', user: await refusedAs('Invalid authentication credentials', () => workPackageTokens.verify(token)) };
      }
      case 'work-package-access': {
        const token = ghgaBearerToken(context);
        return { kind: 'work-package-access', token };
      }
      case 'internal': {
        const token = bearerToken(context);
        if (!token) throw new CoreError('unauthenticated', 'Internal method: an internal token is required');
        return { kind: 'internal', service: await refusedAs('Internal method: invalid internal token', () => internalCredentials.verify(token)) };
      }
    }
  };
}

export type CallerResolver = ReturnType<typeof callerResolver>;

/**
 * The caller's token, by the contract's precedence: `Authorization: Bearer`,
 * then `Auth-Token`, then the `jwt` parameter. Blank values count as absent.
 */
function requestToken(context: CallContext, jwtParameter: string | undefined): string | undefined {
  const bearer = bearerToken(context);
  if (bearer) return bearer;
  const authToken = context.header('auth-token')?.trim();
  if (authToken) return authToken;
  return jwtParameter?.trim() || undefined;
}

/** The bearer token of the Authorization header (GHGA and internal callers use no other place). */
/**
 * The bearer token of a GHGA route, refused as GHGA's FastAPI `HTTPBearer`
 * refuses: 403 "Not authenticated" without credentials, 403 "Invalid
 * authentication credentials" for another scheme (ghga-connector reads the
 * status and `detail`).
 */
function ghgaBearerToken(context: CallContext): string {
  const [scheme, credentials] = (context.header('authorization') ?? '').trim().split(/\s+/, 2);
  if (!scheme || !credentials) throw new CoreError('permission-denied', 'Not authenticated');
  if (scheme.toLowerCase() !== 'bearer') throw new CoreError('permission-denied', 'Invalid authentication credentials');
  return credentials;
}

function bearerToken(context: CallContext): string | undefined {
  return context.header('authorization')?.trim().match(/^Bearer\s+(\S+)$/i)?.[1];
}

/** The `jwt` field that requests of token-taking methods carry (the reference's query parameter). */
function jwtOf(request: unknown): string | undefined {
  const jwt = (request as { jwt?: unknown } | null)?.jwt;
  return typeof jwt === 'string' ? jwt : undefined;
}

function undefinedWhenRefused(error: unknown): undefined {
  if (error instanceof CoreError) return undefined;
  throw error;
}

async function refusedAs<T>(message: string, verify: () => Promise<T>): Promise<T> {
  try {
    return await verify();
  } catch (error) {
    if (error instanceof InvalidTokenError) throw new CoreError('unauthenticated', message);
    throw error;
  }
}

/** The handler's view of a caller its access guarantees; a mismatch is a policy-table bug, not the client's fault. */
export function expectCaller<Kind extends Caller['kind']>(caller: Caller, ...kinds: Kind[]): Extract<Caller, { kind: Kind }> {
  if (!(kinds as string[]).includes(caller.kind)) throw new Error(`access policy gave a ${caller.kind} caller where ${kinds.join('/')} was expected`);
  return caller as Extract<Caller, { kind: Kind }>;
}
