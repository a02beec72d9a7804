import type { CallContext } from './unary.js';

/**
 * The caller's token, by the contract's precedence: `Authorization: Bearer`,
 * then `Auth-Token`, then the `jwt` parameter. Blank values count as absent.
 */
export function requestToken(context: CallContext, jwtParameter: string | undefined): string | undefined {
  const authorization = context.header('authorization')?.trim();
  const bearer = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer) return bearer;
  const authToken = context.header('auth-token')?.trim();
  if (authToken) return authToken;
  return jwtParameter?.trim() || undefined;
}
