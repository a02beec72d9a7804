/**
 * The `conductor` command against the running stack, as a newcomer uses it:
 * the local login, `load <folder> --follow` of a real package with its
 * progress output, `status`, and clear errors with a non-zero exit.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/stack/paths.ts';
import { testStack } from '../setup/test-stack.ts';
import { gateway } from './http.ts';

const scratch = mkdtempSync(join(tmpdir(), 'conductor-cli-'));
const tokenFile = join(scratch, 'token');

function conductor(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return conductorWith({}, ...args);
}

function conductorWith(extraEnv: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const env = { PATH: process.env.PATH, CONDUCTOR_URL: testStack().gateway, CONDUCTOR_TOKEN_FILE: tokenFile, ...extraEnv };
    execFile(process.execPath, [join(repoRoot, 'dist', 'src', 'cli', 'conductor.js'), ...args], { env, timeout: 120_000 }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('conductor (the CLI)', () => {
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const email = `cli-${randomBytes(3).toString('hex')}@example.test`;

  it('logs in locally, loads a package folder following its progress, and finds it by search', async () => {
    const login = await conductor('login', '--name', 'Cli User', '--email', email, '--next', `${testStack().appOrigin}/`);
    expect(login).toMatchObject({ code: 0, stdout: expect.stringContaining(`logged in as Cli User <${email}>`) });

    const folder = join(scratch, `al-treasury-${randomBytes(2).toString('hex')}`);
    cpSync(join(repoRoot, 'test', 'fixtures', 'fdp', 'al-treasury-spending'), folder, { recursive: true });
    const load = await conductor('load', folder, '--follow');
    expect(load.code, load.stderr).toBe(0);
    expect(load.stdout).toMatch(/^queued: http/m);
    expect(load.stdout).toMatch(/^done: 40 rows in [0-9a-f]{32}:al-treasury-/m);
    // The progress bar, printed as lines when not on a terminal.
    expect(load.stderr).toMatch(/40\/40 rows \| \d+ rows\/s \| done/);

    const url = /^queued: (\S+)$/m.exec(load.stdout)?.[1] ?? '';
    expect((await conductor('status', url)).stdout).toMatch(/^done: 40 rows/);
    const owner = createHash('md5').update(email).digest('hex');
    const token = readFileSync(tokenFile, 'utf8').trim();
    const found = (await gateway(`/search/package?package.owner=${encodeURIComponent(JSON.stringify(owner))}`, { headers: { authorization: `Bearer ${token}` } })).json as unknown[];
    expect(found).toHaveLength(1);
  });

  it('exits non-zero with the error of a failed load, and on bad arguments', async () => {
    const folder = join(scratch, `broken-${randomBytes(2).toString('hex')}`);
    cpSync(join(repoRoot, 'test', 'fixtures', 'fdp', 'al-treasury-spending'), folder, { recursive: true });
    writeFileSync(join(folder, 'data', 'treasury.csv'), 'nonsense,header\n1,2\n');
    const failed = await conductor('load', folder, '--follow');
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/^fail: .*header/m);

    const missing = await conductor('load');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/missing required argument 'source'/);
    const badEmail = await conductor('login', '--name', 'x', '--email', 'nope');
    expect(badEmail.code).not.toBe(0);
    expect(badEmail.stderr).toMatch(/not an email address/);
    const noFolder = await conductor('load', join(scratch, 'does-not-exist'));
    expect(noFolder.code).toBe(1);
    expect(noFolder.stderr).toMatch(/^conductor: .*(no such file|ENOENT)/m);
  });

  it('runs the internal commands with the internal secret, and says what is missing without it', async () => {
    const [host, port] = testStack().grpc.split(':') as [string, string];
    const internal = { CONDUCTOR_GRPC_HOST: host, CONDUCTOR_GRPC_PORT: port, CONDUCTOR_INTERNAL_SECRET_FILE: testStack().internalSecretFile };
    const userid = createHash('md5').update(email).digest('hex');
    expect(await conductorWith(internal, 'permissions', 'set', userid, 'os.cli-test', '{"admin":true}')).toMatchObject({ code: 0, stdout: '{"admin":true}\n' });
    const token = readFileSync(tokenFile, 'utf8').trim();
    expect(((await gateway('/user/authorize?service=os.cli-test', { headers: { authorization: `Bearer ${token}` } })).json as { permissions: unknown }).permissions).toEqual({ admin: true });
    const refused = await conductorWith({ CONDUCTOR_GRPC_HOST: host, CONDUCTOR_GRPC_PORT: port }, 'permissions', 'set', userid, 'os.cli-test', '{"admin":false}');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('CONDUCTOR_INTERNAL_SECRET');
    expect(await conductorWith(internal, 'permissions', 'set', userid, 'os.cli-test', '[1]')).toMatchObject({ code: 1, stderr: expect.stringContaining('must be a JSON object') });
    expect(await conductorWith(internal, 'datasets', 'grant', userid, 'nobody:nothing')).toMatchObject({ code: 0, stdout: expect.stringContaining('granted') });
    expect(await conductorWith(internal, 'datasets', 'revoke', userid, 'nobody:nothing')).toMatchObject({ code: 0, stdout: expect.stringContaining('revoked') });
    const status = await conductorWith({ DATABASE_URL: testStack().databaseUrl }, 'migrate', 'status');
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^applied {2}Migration20261124010000PathSafeFileIds$/m);
    expect((await conductorWith({ DATABASE_URL: testStack().databaseUrl }, 'migrate', 'sideways')).stderr).toMatch(/up, down or status/);
  });

  it('npm run demo logs in as the demo user and loads every demo package; stats and search see them', async () => {
    const demo = await new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
      execFile(process.execPath, [join(repoRoot, 'scripts', 'demo.ts')], {
        env: { PATH: process.env.PATH, CONDUCTOR_URL: testStack().gateway, CONDUCTOR_CORS_ORIGINS: testStack().appOrigin, CONDUCTOR_TOKEN_FILE: join(scratch, 'demo-token') },
        timeout: 300_000,
      }, (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })),
    );
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stdout).toContain('Loaded 7 of 7 demo packages');
    expect(demo.stdout.match(/^done: \d+ rows in /gm)).toHaveLength(7);
    const token = readFileSync(join(scratch, 'demo-token'), 'utf8').trim();
    const owner = createHash('md5').update('demo@example.org').digest('hex');
    const found = (await gateway(`/search/package?size=100&package.owner=${encodeURIComponent(JSON.stringify(owner))}`, { headers: { authorization: `Bearer ${token}` } })).json as unknown[];
    expect(found).toHaveLength(7);
    expect(((await gateway('/package/stats')).json as { num_packages: number }).num_packages).toBeGreaterThanOrEqual(7);
  }, 300_000);
});
