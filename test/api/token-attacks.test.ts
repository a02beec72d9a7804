/**
 * Token attacks against every route that takes a token, read from the
 * compiled contract and the access policy (a new route is covered without
 * editing this file). Each attack is a token an attacker can make: unsigned,
 * algorithm confusion, foreign keys in many disguises, tampering, bad times,
 * kinds swapped, revoked, missing claims, garbage. A route that requires a
 * credential must answer 401/403; a route where a token is optional must
 * answer exactly as it does to garbage (anonymous).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { exportJWK, SignJWT, UnsecuredJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JoseInternalCredentials, loadInternalSecret } from '../../src/adapters/keys/internal-credentials.adapter.ts';
import { accessPolicy, type Access } from '../../src/rpc/access-policy.ts';
import { contractMethods, type ContractMethod, type HttpBinding } from '../support/descriptor.ts';
import { logIn, uniqueUser } from '../support/login.ts';
import { testStack } from '../setup/test-stack.ts';
import { gateway, type GatewayReply } from './http.ts';

type Family = 'conductor-user' | 'conductor-permission' | 'work-package';

/** Which forged tokens fit a method's access: each is made to look like the token it takes. */
const familyOf: Partial<Record<Access, Family>> = {
  'user-optional': 'conductor-user',
  user: 'conductor-user',
  'user-or-permission': 'conductor-user',
  permission: 'conductor-permission',
  'work-package-user': 'work-package',
  'work-package-access': 'work-package',
};

interface Attack {
  name: string;
  token: string;
}

interface Keys {
  service: KeyObject;
  servicePublicPem: string;
  workPackage: KeyObject;
  workPackagePublicPem: string;
}

const now = () => Math.floor(Date.now() / 1000);

/** Signs claims as the attacker chooses: key, algorithm, header and times. */
function sign(claims: JWTPayload, key: KeyObject | Uint8Array, header: Record<string, unknown>, times: { iat?: number; nbf?: number; exp?: number } = {}) {
  const jwt = new SignJWT(claims).setProtectedHeader(header as { alg: string }).setIssuedAt(times.iat ?? now()).setExpirationTime(times.exp ?? now() + 3600);
  if (times.nbf !== undefined) jwt.setNotBefore(times.nbf);
  return jwt.sign(key);
}

/** The attacks on one family of tokens; `real` is a valid token of that family, `other` a valid token of another kind. */
async function attacksOn(family: Family, keys: Keys, genuine: { claims: JWTPayload; real: string; others: Attack[] }): Promise<Attack[]> {
  const conductor = family !== 'work-package';
  const key = conductor ? keys.service : keys.workPackage;
  const alg = conductor ? 'RS256' : 'ES256';
  const typ = family === 'conductor-user' ? 'conductor-user+jwt' : family === 'conductor-permission' ? 'conductor-permission+jwt' : undefined;
  const header = { alg, ...(typ ? { typ } : {}) };
  const attacker = conductor ? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey : generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const attackerJwk = await exportJWK(createPublicKey(attacker));
  const { claims, real } = genuine;
  const [head, payload, signature] = real.split('.') as [string, string, string];
  const tamperedClaims = { ...JSON.parse(Buffer.from(payload, 'base64url').toString()), userid: 'f'.repeat(32), id: 'someone-else' };
  const missing = Object.fromEntries(Object.entries(claims).filter(([name]) => !['userid', 'jti', 'email', 'service'].includes(name)));
  return [
    { name: 'alg none', token: new UnsecuredJWT(claims).setIssuedAt().setExpirationTime('1h').encode() },
    { name: 'HS256 keyed with the public PEM', token: await sign(claims, new TextEncoder().encode(conductor ? keys.servicePublicPem : keys.workPackagePublicPem), { ...header, alg: 'HS256' }) },
    { name: 'signed by another key', token: await sign(claims, attacker, header) },
    { name: 'embedded jwk', token: await sign(claims, attacker, { ...header, jwk: attackerJwk }) },
    { name: 'jku', token: await sign(claims, attacker, { ...header, jku: 'http://127.0.0.1:9/jwks.json', kid: 'attacker' }) },
    { name: 'x5u', token: await sign(claims, attacker, { ...header, x5u: 'http://127.0.0.1:9/cert.pem' }) },
    { name: 'kid injection', token: await sign(claims, attacker, { ...header, kid: "../../../../dev/null' OR '1'='1" }) },
    { name: 'tampered payload', token: `${head}.${Buffer.from(JSON.stringify(tamperedClaims)).toString('base64url')}.${signature}` },
    { name: 'tampered signature', token: `${head}.${payload}.${signature.slice(0, -6)}${signature.endsWith('AAAAAA') ? 'BBBBBB' : 'AAAAAA'}` },
    { name: 'expired', token: await sign(claims, key, header, { iat: now() - 7200, exp: now() - 3600 }) },
    { name: 'iat in the future', token: await sign(claims, key, header, { iat: now() + 3600, exp: now() + 7200 }) },
    { name: 'nbf in the future', token: await sign(claims, key, header, { nbf: now() + 3600 }) },
    { name: 'missing claims', token: await sign(missing, key, header) },
    { name: 'garbage', token: 'not.a.jwt' },
    { name: '100 KB', token: 'a'.repeat(100_000) },
    ...genuine.others,
  ];
}

/** A request to a binding, its path parameters filled with values that reach the credential check. */
function requestFor(binding: HttpBinding, victimId: string): { path: string; init: RequestInit } {
  const path = binding.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (name === 'kind') return 'package';
    if (name === 'user_id') return encodeURIComponent(victimId);
    if (name === 'id') return randomUUID();
    return 'file-1';
  });
  return { path, init: { method: binding.verb, ...(binding.verb === 'POST' ? { body: '{}', headers: { 'content-type': 'application/json' } } : {}) } };
}

async function send(request: { path: string; init: RequestInit }, carrier: 'bearer' | 'auth-token' | 'jwt', token: string | undefined): Promise<GatewayReply> {
  const headers: Record<string, string> = { ...(request.init.headers as Record<string, string> | undefined) };
  let path = request.path;
  if (token !== undefined && carrier === 'bearer') headers.authorization = `Bearer ${token}`;
  if (token !== undefined && carrier === 'auth-token') headers['auth-token'] = token;
  if (token !== undefined && carrier === 'jwt') path += `${path.includes('?') ? '&' : '?'}jwt=${encodeURIComponent(token)}`;
  return gateway(path, { ...request.init, headers });
}

const tokenRoutes = () =>
  contractMethods().flatMap((method: ContractMethod) => {
    const access = accessPolicy[method.path] as Access;
    const family = familyOf[access];
    return family ? method.bindings.map((binding) => ({ method, binding, access, family })) : [];
  });

describe('token attacks on every route that takes a token', () => {
  let keys: Keys;
  const victim = uniqueUser();
  let victimId: string;
  const valid: Record<Family, string> = { 'conductor-user': '', 'conductor-permission': '', 'work-package': '' };
  let revoked: string;
  let oauthLogin: string;
  let internal: string;
  let sent = 0;
  let refused = 0;

  beforeAll(async () => {
    const service = createPrivateKey(readFileSync(testStack().signingKeyFile));
    const workPackage = createPrivateKey(readFileSync(testStack().workPackageInternalKeyFile));
    keys = {
      service,
      servicePublicPem: createPublicKey(service).export({ type: 'spki', format: 'pem' }).toString(),
      workPackage,
      workPackagePublicPem: createPublicKey(workPackage).export({ type: 'spki', format: 'pem' }).toString(),
    };
    valid['conductor-user'] = await logIn('google', victim);
    const authorize = async (service: string) =>
      ((await gateway(`/user/authorize?service=${service}`, { headers: { authorization: `Bearer ${valid['conductor-user']}` } })).json as { token: string; userid: string });
    const permission = await authorize('os.datastore');
    victimId = permission.userid;
    valid['conductor-permission'] = permission.token;
    valid['work-package'] = (await authorize('work-packages')).token;
    revoked = await logIn('google', victim);
    expect((await gateway('/user/logout', { method: 'POST', headers: { authorization: `Bearer ${revoked}` } })).status).toBe(200);
    oauthLogin = await sign({ token_use: 'oauth-login', next: testStack().appOrigin, provider: 'google' }, service, { alg: 'RS256', typ: 'conductor-oauth-login+jwt' });
    internal = await new JoseInternalCredentials(await loadInternalSecret({ file: testStack().internalSecretFile })).issue('attacker');
  });

  afterAll(() => {
    console.log(`token attacks: ${refused}/${sent} refused`);
  });

  it('covers every token-taking route of the contract', () => {
    const routes = tokenRoutes().map((route) => route.binding.route);
    for (const route of ['GET /user/check', 'POST /package/publish', 'POST /datastore/authorize', 'GET /users/{user_id}/datasets', 'GET /work-packages/{id}']) expect(routes).toContain(route);
  });

  it('refuses every attack: 401/403 where a credential is required, the anonymous answer where it is optional', async () => {
    const failures: string[] = [];
    for (const { method, binding, access, family } of tokenRoutes()) {
      const request = requestFor(binding, victimId);
      const userClaims = { token_use: 'user', userid: victimId, jti: randomUUID() };
      const claims =
        family === 'conductor-user'
          ? userClaims
          : family === 'conductor-permission'
            ? { token_use: 'permission', userid: victimId, service: 'os.datastore', permissions: { 'datapackage-upload': true } }
            : { id: victimId, name: victim.name, email: victim.email };
      const others: Attack[] = [
        { name: 'revoked user token', token: revoked },
        { name: 'oauth-login token', token: oauthLogin },
        { name: 'internal token', token: internal },
      ];
      // Kinds swapped both ways: a user token where another kind is wanted, a permission token where a user token is.
      if (access !== 'user-or-permission') {
        if (family !== 'conductor-user') others.push({ name: 'user token (wrong kind)', token: valid['conductor-user'] });
        if (family !== 'conductor-permission') others.push({ name: 'permission token (wrong kind)', token: valid['conductor-permission'] });
      }
      if (family !== 'work-package') others.push({ name: 'work-package token (wrong kind)', token: valid['work-package'] });
      const attacks = await attacksOn(family, keys, { claims, real: valid[family], others });
      const carriers = family === 'work-package' ? (['bearer'] as const) : method.queryFields.includes('jwt') ? (['bearer', 'auth-token', 'jwt'] as const) : (['bearer', 'auth-token'] as const);

      for (const carrier of carriers) {
        const anonymous = await send(request, carrier, 'garbage-baseline');
        if (access !== 'work-package-access' && access !== 'user-optional') {
          // Control: the genuine credential is not refused, so the refusals below mean something.
          // (A fresh user token each time: the control of /user/logout revokes the one it uses.)
          const genuine = await send(request, carrier, access === 'permission' ? valid['conductor-permission'] : family === 'conductor-user' ? await logIn('google', victim) : valid[family]);
          if (genuine.status === 401) failures.push(`${binding.route} via ${carrier}: the genuine token is refused too (${genuine.text.slice(0, 120)})`);
        }
        for (const attack of attacks) {
          const reply = await send(request, carrier, attack.token);
          sent += 1;
          const isRefused =
            reply.status === 431 ||
            (access === 'user-optional' ? reply.status === anonymous.status && reply.text === anonymous.text : reply.status === 401 || reply.status === 403);
          if (isRefused) refused += 1;
          else failures.push(`${binding.route} via ${carrier}, ${attack.name}: ${reply.status} ${reply.text.slice(0, 160)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(500);
  });
});
