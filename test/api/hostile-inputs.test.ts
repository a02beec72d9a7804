/**
 * Hostile input over every route of the contract (read from the compiled
 * descriptor, so a new route is covered without editing this file):
 * injection strings (SQL, Elasticsearch, template), traversal, internal
 * URLs, NUL and control characters, invalid UTF-8, malformed
 * percent-encoding, huge numbers and strings, repeated and prototype-named
 * parameters, malformed, deeply nested, wrongly typed and oversized bodies,
 * and content-type confusion. Every answer must be a client error or a
 * success — never a 5xx while every backend is up — with no stack trace,
 * file path or SQL error in its body, and the server must still be up after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessPolicy } from '../../src/rpc/access-policy.ts';
import { contractMethods, type ContractMethod, type HttpBinding } from '../support/descriptor.ts';
import { logIn, uniqueUser } from '../support/login.ts';
import { testStack } from '../setup/test-stack.ts';

/** Values put (percent-encoded) into every query field and path parameter. */
const hostileValues = [
  "' OR '1'='1", '1; DROP TABLE users; --', '" OR 1=1 --', "admin'--", "x') UNION SELECT password FROM users --",
  '{"query":{"match_all":{}}}', '*:*', '"x" OR _exists_:package', '{"script":{"source":"while(true){}"}}', 'x\\"}},{"match_all":{}}', '"\\u0000"',
  '../../../../etc/passwd', '..\\..\\windows\\win.ini', '/etc/passwd', '%2e%2e%2f%2e%2e%2f',
  'http://169.254.169.254/latest/meta-data/', 'http://127.0.0.1:9200/_cat/indices', 'file:///etc/passwd', 'gopher://127.0.0.1:5432/_', 'http://[::1]:50051/',
  '\u0000', 'a\u0000b', '\r\nX-Injected: 1', '<script>alert(1)</script>', '${jndi:ldap://127.0.0.1/x}', '{{7*7}}',
  '1e309', '-1', '99999999999999999999999999999', 'NaN', 'true', '[]', '{}', '"', '\\', '',
  'x'.repeat(10_000), '🦄'.repeat(200), '\uFFFF', '\uD800',
];

/** Values put into the query as they are: invalid UTF-8 and malformed percent-encoding. */
const rawValues = ['%C3%28', '%FF%FE%FD', '%', '%zz', '%E0%A4%A', '%00', '%u0041'];

/** Bodies sent to every POST route, with their content type. */
const hostileBodies: [string, string | Buffer][] = [
  ['malformed JSON', '{"metadata": '],
  ['top-level array', '[1,2,3]'],
  ['top-level string', '"x"'],
  ['top-level number', '1e309'],
  ['null', 'null'],
  ['deeply nested arrays', `${'['.repeat(20_000)}${']'.repeat(20_000)}`],
  ['deeply nested objects', `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`],
  ['wrong types', JSON.stringify({ metadata: 5, filedata: 'x', dataset_id: [], type: {}, file_ids: 'a', user_public_crypt4gh_key: 7, id: true, publish: 'maybe', username: { $ne: null } })],
  ['huge numbers', JSON.stringify({ metadata: { owner: 'a', name: 'b' }, filedata: { 'a.csv': { length: 1e308, md5: 'x' } } })],
  ['traversal in keys', JSON.stringify({ metadata: { owner: '..', name: '../..' }, filedata: { '../../etc/passwd': { length: 1, md5: 'AAAAAAAAAAAAAAAAAAAAAA==' } } })],
  ['prototype pollution', '{"__proto__":{"admin":true},"constructor":{"prototype":{"admin":true}}}'],
  ['NUL in strings', JSON.stringify({ id: 'a\u0000b', username: '\u0000', dataset_id: '\u0000' })],
  ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d])],
  ['2 MB', JSON.stringify({ id: 'x'.repeat(2 * 1024 * 1024) })],
  ['duplicate keys', '{"id":"a","id":"b","id":{"x":1}}'],
];

const contentTypes = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/json; charset=utf-16', 'application/grpc', 'application/grpc-web-text', ''];

/** What a body must never show: a stack trace, a file path of the server, a database error. */
const leaks = [/\n\s+at [\w.<>[\] ]+\(/, /node_modules/, /\/work\//, /\/var\/cache\//, /\.(ts|js):\d+:\d+/, /syntax error at or near/i, /relation "[^"]*" does not exist/i, /violates [\w ]*constraint/i, /invalid input syntax for type/i, /ECONNREFUSED/];

interface HostileRequest {
  label: string;
  path: string;
  init: RequestInit;
}

/** Percent-encoding; a lone surrogate (which encodeURIComponent refuses) goes as its WTF-8 bytes, invalid UTF-8. */
function percentEncoded(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80';
  }
}

function fill(binding: HttpBinding, value: (name: string) => string): string {
  return binding.path.replace(/\{(\w+)\}/g, (_, name: string) => value(name));
}

/** Every hostile request for one route. */
function requestsFor(method: ContractMethod, binding: HttpBinding, credential: () => string | undefined): HostileRequest[] {
  const requests: HostileRequest[] = [];
  const headers = (extra: Record<string, string> = {}) => {
    const token = credential();
    return { ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra };
  };
  const body = binding.verb === 'POST' ? { body: '{}', headers: headers({ 'content-type': 'application/json' }) } : { headers: headers() };
  const query = (encoded: string) => method.queryFields.map((field) => `${field}=${encoded}`).join('&');
  for (const value of hostileValues) {
    const encoded = percentEncoded(value);
    const path = fill(binding, () => encoded || 'x');
    requests.push({ label: `${binding.route} value ${JSON.stringify(value.slice(0, 40))}`, path: `${path}?${query(encoded)}`, init: { method: binding.verb, ...body, headers: headers(binding.verb === 'POST' ? { 'content-type': 'application/json' } : {}) } });
  }
  for (const raw of rawValues) {
    requests.push({ label: `${binding.route} raw ${raw}`, path: `${fill(binding, () => raw)}?${query(raw)}`, init: { method: binding.verb, ...body } });
  }
  const base = fill(binding, (name) => (name === 'kind' ? 'package' : 'x'));
  requests.push({ label: `${binding.route} repeated parameters`, path: `${base}?${method.queryFields.flatMap((field) => [`${field}=a`, `${field}=b`, `${field}=%22c%22`]).join('&')}`, init: { method: binding.verb, ...body } });
  requests.push({ label: `${binding.route} prototype names`, path: `${base}?__proto__=%22x%22&constructor=%22x%22&toString=1&hasOwnProperty=1`, init: { method: binding.verb, ...body } });
  requests.push({ label: `${binding.route} 300 parameters`, path: `${base}?${Array.from({ length: 300 }, (_, i) => `p${i}=${i}`).join('&')}`, init: { method: binding.verb, ...body } });
  if (binding.verb === 'POST') {
    for (const [label, payload] of hostileBodies) {
      requests.push({ label: `${binding.route} body: ${label}`, path: base, init: { method: 'POST', body: payload, headers: headers({ 'content-type': 'application/json' }) } });
    }
    for (const contentType of contentTypes) {
      requests.push({ label: `${binding.route} content-type ${contentType || '(none)'}`, path: base, init: { method: 'POST', body: '{"id":"x"}', headers: headers(contentType ? { 'content-type': contentType } : {}) } });
    }
  } else {
    requests.push({ label: `${binding.route} GET with a body via POST`, path: base, init: { method: 'POST', body: '{}', headers: headers({ 'content-type': 'application/json' }) } });
  }
  return requests;
}

describe('hostile input over every route', () => {
  const credentials: Record<string, string> = {};
  let sent = 0;
  const serverErrors: string[] = [];
  const leaked: string[] = [];

  beforeAll(async () => {
    const user = uniqueUser();
    credentials.user = await logIn('google', user);
    const authorize = async (service: string) => ((await fetch(`${testStack().gateway}/user/authorize?service=${service}`, { headers: { authorization: `Bearer ${credentials.user}` } })).json()) as Promise<{ token: string }>;
    credentials.permission = (await authorize('os.datastore')).token;
    credentials.workPackage = (await authorize('work-packages')).token;
  });

  afterAll(() => {
    console.log(`hostile inputs: ${sent} sent, ${serverErrors.length} server errors, ${leaked.length} leaks`);
  });

  it('never answers 5xx, never leaks internals, and the server stays up', async () => {
    let toggle = 0;
    const requests = contractMethods().flatMap((method) =>
      method.bindings.flatMap((binding) => {
        const access = accessPolicy[method.path];
        // Half the requests carry the credential the route takes, so hostile values reach the handlers too (never on logout, which would revoke it).
        const credential = () => {
          toggle += 1;
          if (toggle % 2 === 0 || binding.path.endsWith('/logout')) return undefined;
          if (access === 'permission') return credentials.permission;
          if (access === 'work-package-user') return credentials.workPackage;
          return credentials.user;
        };
        return requestsFor(method, binding, credential);
      }),
    );
    const concurrency = 8;
    for (let start = 0; start < requests.length; start += concurrency) {
      await Promise.all(
        requests.slice(start, start + concurrency).map(async (request) => {
          const response = await fetch(`${testStack().gateway}${request.path}`, { ...request.init, redirect: 'manual' });
          const text = await response.text();
          sent += 1;
          if (response.status >= 500) serverErrors.push(`${request.label}: ${response.status} ${text.slice(0, 200)}`);
          const leak = leaks.find((pattern) => pattern.test(text));
          if (leak) leaked.push(`${request.label}: ${leak} in ${text.slice(0, 200)}`);
        }),
      );
    }
    expect(serverErrors).toEqual([]);
    expect(leaked).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(1000);
    const health = await fetch(`${testStack().gateway}/health`);
    expect(health.status).toBe(200);
    const check = await fetch(`${testStack().gateway}/user/check`, { headers: { authorization: `Bearer ${credentials.user}` } });
    expect(((await check.json()) as { authenticated: boolean }).authenticated).toBe(true);
  });
});
