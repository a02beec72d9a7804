/**
 * No credential reaches a log: every route of the contract (and the OAuth
 * listener's) gets a genuine token in every carrier the clients use — the
 * Authorization and Auth-Token headers, `?jwt=`, a `next` address carrying
 * one — plus presigned-URL signatures and an OAuth code; then every log
 * file of the stack is read for them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { contractMethods } from '../support/descriptor.ts';
import { logIn, uniqueUser } from '../support/login.ts';
import { testStack } from '../setup/test-stack.ts';
import { gateway } from './http.ts';

/** Every file under a folder. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The log files that contain any of the secrets, with the secret's name. */
function leaks(secrets: Record<string, string>): string[] {
  const found: string[] = [];
  for (const file of filesUnder(testStack().logDir)) {
    const text = readFileSync(file, 'latin1');
    for (const [name, secret] of Object.entries(secrets)) if (text.includes(secret)) found.push(`${name} in ${file}`);
  }
  return found;
}

describe('no credential in any log', () => {
  it('sends every route a token in every carrier, signatures and an OAuth code; no log file of the stack holds any of them', async () => {
    const userToken = await logIn('google', uniqueUser());
    const permissionToken = ((await gateway('/user/authorize?service=os.datastore', { headers: { authorization: `Bearer ${userToken}` } })).json as { token: string }).token;
    // A token's signature is what makes it usable, and unique to it: that is what is looked for.
    const secrets = {
      'user token': userToken.split('.')[2] ?? '',
      'permission token': permissionToken.split('.')[2] ?? '',
      'X-Amz-Signature': 'f00dfeedcafe0123456789abcdef0123456789abcdef0123456789abcdef0123',
      'X-Amz-Credential': 'AKIASECRETCREDENTIAL',
      'OAuth code': 'oauth-code-that-must-not-be-logged',
    };
    expect(Object.values(secrets).every((secret) => secret.length >= 16)).toBe(true);

    const signed = `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${secrets['X-Amz-Credential']}%2F20261207&X-Amz-Signature=${secrets['X-Amz-Signature']}`;
    const next = encodeURIComponent(`${testStack().appOrigin}/page?jwt=${userToken}`);
    let sent = 0;
    for (const method of contractMethods()) {
      for (const binding of method.bindings) {
        const path = binding.path.replace(/\{[^}]+\}/g, 'some-id');
        const init = { method: binding.verb, ...(binding.hasBody ? { body: '{}', headers: { 'content-type': 'application/json' } } : {}) };
        const json = binding.hasBody ? { 'content-type': 'application/json' } : {};
        for (const token of [userToken, permissionToken]) {
          await gateway(`${path}?${signed}&next=${next}`, { ...init, headers: { ...json, authorization: `Bearer ${token}` } });
          await gateway(`${path}?next=${next}`, { ...init, headers: { ...json, 'auth-token': token } });
          await gateway(`${path}?jwt=${token}&${signed}`, init);
          sent += 3;
        }
      }
    }
    // The OAuth listener's routes: a login with a `next` carrying a token, a provider callback with its code.
    await gateway(`/oauth/login/google?next=${next}`);
    await gateway(`/oauth/connect/google/callback?code=${secrets['OAuth code']}&state=forged`);
    await gateway(`/auth/lib?jwt=${userToken}`);
    sent += 3;

    // Envoy writes its access log asynchronously; give it a moment.
    await sleep(1500);
    console.log(`no-secrets-in-logs: ${sent} requests, ${filesUnder(testStack().logDir).length} log files read`);
    expect(leaks(secrets)).toEqual([]);
  });
});
