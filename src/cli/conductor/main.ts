/**
 * `conductor`: the command line of a Conductor stack, over its JSON API.
 *
 *   conductor login --name "Ada" --email ada@example.org   (the local login of npm start)
 *   conductor login --token <user token>
 *   conductor load <package folder | descriptor URL> [--follow]
 *   conductor status <descriptor URL>
 *
 *   conductor permissions set <userid|*> <service> '<JSON>'   (internal)
 *   conductor datasets grant|revoke <user id> <dataset id>      (internal)
 *   conductor migrate up|down|status
 *
 * The gateway is CONDUCTOR_URL (default http://localhost:8080); internal
 * commands reach the gRPC port (CONDUCTOR_GRPC_HOST/PORT) with the internal
 * secret (CONDUCTOR_INTERNAL_SECRET or CONDUCTOR_INTERNAL_SECRET_FILE);
 * migrate uses DATABASE_URL.
 */
import { basename, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SingleBar } from 'cli-progress';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { gatewayAt, GatewayError, type Gateway } from './gateway.js';
import { datasetAccess, migrations, parsePermissions, setPermissions } from './internal-commands.js';
import { estimatedRows, readPackageFolder } from './package-folder.js';
import { savedToken, saveToken } from './session.js';

interface LoadStatus {
  status: string;
  progress?: number;
  error?: string;
  dataset_id?: string;
  workflow_url?: string;
}

interface Signed {
  upload_url: string;
  upload_query: Record<string, string[]>;
}

const gateway = (): Gateway => gatewayAt((process.env.CONDUCTOR_URL ?? 'http://localhost:8080').replace(/\/+$/, ''));

async function requireToken(): Promise<string> {
  const token = await savedToken();
  if (!token) throw new CommanderError(2, 'conductor.login', 'not logged in: run `conductor login` first (or set CONDUCTOR_TOKEN)');
  return token;
}

/** The local login, as a browser would walk it: check → /oauth/login/local → the form's callback → back to `next` with jwt. */
async function localLogin(api: Gateway, name: string, email: string, next: string): Promise<string> {
  const check = await api.get<{ providers?: Record<string, { url: string }> }>(`/user/check?next=${encodeURIComponent(next)}`);
  const start = check.providers?.local?.url;
  if (!start) throw new Error('this stack has no local login (CONDUCTOR_LOCAL_LOGIN); use `conductor login --token`');
  const first = await fetch(start, { redirect: 'manual' });
  if (first.status !== 302) throw new Error(`the local login refused to start: ${first.status} ${await first.text()}`);
  const cookie = first.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
  const callback = await fetch(`${api.base}/oauth/local/callback?name=${encodeURIComponent(name)}&email=${encodeURIComponent(email)}`, { headers: { cookie }, redirect: 'manual' });
  const location = callback.headers.get('location');
  const token = location ? new URL(location).searchParams.get('jwt') : null;
  if (!token) throw new Error(`the local login gave no token: ${callback.status} ${await callback.text()}`);
  return token;
}

/** Uploads a package folder through the datastore; answers its descriptor URL. */
async function uploadFolder(api: Gateway, token: string, folder: string, files: Awaited<ReturnType<typeof readPackageFolder>>): Promise<string> {
  const permission = await api.get<{ token?: string; userid?: string }>('/user/authorize?service=os.datastore', token);
  if (!permission.token || !permission.userid) throw new Error('the user token was refused; run `conductor login` again');
  const filedata = Object.fromEntries(files.map((file) => [file.path, { length: file.bytes.length, md5: file.md5 }]));
  const name = basename(resolve(folder));
  const { filedata: signed } = await api.post<{ filedata: Record<string, Signed> }>('/datastore/authorize', { metadata: { owner: permission.userid, name }, filedata }, permission.token);
  for (const file of files) {
    const target = signed[file.path];
    if (!target) throw new Error(`no upload URL for ${file.path}`);
    const url = new URL(target.upload_url);
    for (const [key, values] of Object.entries(target.upload_query)) for (const value of values) url.searchParams.append(key, value);
    const put = await fetch(url, { method: 'PUT', body: new Uint8Array(file.bytes), headers: { 'content-md5': file.md5 } });
    if (!put.ok) throw new Error(`uploading ${file.path} failed: ${put.status} ${(await put.text()).slice(0, 200)}`);
  }
  const descriptor = signed['datapackage.json'];
  if (!descriptor) throw new Error('no upload URL for datapackage.json');
  return descriptor.upload_url;
}

/** Polls the load, drawing a bar of rows with rows/s and the status; answers the last status. */
async function follow(api: Gateway, url: string, expectedRows: number): Promise<LoadStatus> {
  const interactive = Boolean(process.stderr.isTTY);
  const bar = new SingleBar({ format: '{bar} {value}/{total} rows | {speed} rows/s | {status}', hideCursor: true, noTTYOutput: !interactive, notTTYSchedule: 1000, stream: process.stderr });
  bar.start(Math.max(expectedRows, 1), 0, { status: 'queued', speed: 0 });
  const started = performance.now();
  let last: LoadStatus = { status: 'queued' };
  for (;;) {
    last = await api.get<LoadStatus>(`/package/status?datapackage=${encodeURIComponent(url)}`);
    const rows = last.progress ?? 0;
    if (rows > bar.getTotal()) bar.setTotal(rows);
    bar.update(rows, { status: last.status, speed: Math.round(rows / Math.max((performance.now() - started) / 1000, 0.001)) });
    if (last.status === 'done' || last.status === 'fail') break;
    await sleep(250);
  }
  bar.stop();
  return last;
}

function report(last: LoadStatus): void {
  if (last.status === 'done') {
    process.stdout.write(`done: ${last.progress ?? 0} rows in ${last.dataset_id}${last.workflow_url ? `\n  ${last.workflow_url}` : ''}\n`);
  } else {
    process.stdout.write(`${last.status}: ${last.error ?? ''}\n`);
  }
}

const emailArgument = (value: string) => {
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) throw new InvalidArgumentError('not an email address');
  return value;
};

export function program(): Command {
  const cli = new Command('conductor').description("Conductor's command line, over the JSON API at CONDUCTOR_URL (default http://localhost:8080)").exitOverride();

  cli
    .command('login')
    .description('log in with the local login of `npm start` (--name, --email), or keep a user token you have (--token)')
    .option('--name <name>', 'your name, for the local login')
    .option('--email <email>', 'your email, for the local login', emailArgument)
    .option('--token <token>', 'a user token to keep instead')
    .option('--next <url>', 'an allowed origin to return to (the local login needs one)', 'http://localhost:3000/')
    .action(async (options: { name?: string; email?: string; token?: string; next: string }) => {
      const api = gateway();
      let token = options.token;
      if (!token) {
        if (!options.name || !options.email) throw new CommanderError(2, 'conductor.login', 'give --name and --email for the local login, or --token');
        token = await localLogin(api, options.name, options.email, options.next);
      }
      const check = await api.get<{ authenticated: boolean; profile?: { name: string; email: string } }>('/user/check', token);
      if (!check.authenticated) throw new CommanderError(1, 'conductor.login', 'the token is not valid here');
      process.stdout.write(`logged in as ${check.profile?.name} <${check.profile?.email}>; token kept in ${await saveToken(token)}\n`);
    });

  cli
    .command('load')
    .description('upload a package folder through the datastore (or take a descriptor URL) and load it')
    .argument('<source>', 'a folder with datapackage.json, or a descriptor URL')
    .option('-f, --follow', 'show the progress until the load ends; exit 1 if it fails')
    .action(async (source: string, options: { follow?: boolean }) => {
      const api = gateway();
      const token = await requireToken();
      let url = source;
      let expected = 0;
      if (!/^https?:\/\//.test(source)) {
        const files = await readPackageFolder(source);
        expected = estimatedRows(files);
        url = await uploadFolder(api, token, source, files);
      }
      const started = await api.post<LoadStatus>(`/package/upload?datapackage=${encodeURIComponent(url)}`, undefined, token);
      process.stdout.write(`${started.status}: ${url}\n`);
      if (!options.follow) return;
      const last = await follow(api, url, expected);
      report(last);
      if (last.status !== 'done') process.exitCode = 1;
    });

  cli
    .command('status')
    .description("a load's status")
    .argument('<url>', 'the descriptor URL given to load')
    .action(async (url: string) => {
      const last = await gateway().get<LoadStatus>(`/package/status?datapackage=${encodeURIComponent(url)}`);
      report(last);
    });

  const permissions = cli.command('permissions').description("a user's permissions for a service (internal: needs the internal secret)");
  permissions
    .command('set')
    .description("replace a user's (or *, everyone's) permissions for a service")
    .argument('<userid>', 'the idhash, or * for every user')
    .argument('<service>', 'e.g. os.datastore')
    .argument('<permissions>', 'a JSON object, e.g. \'{"datapackage-upload": true}\'')
    .action(async (userid: string, service: string, json: string) => {
      process.stdout.write(`${JSON.stringify(await setPermissions(userid, service, parsePermissions(json)))}\n`);
    });

  const datasets = cli.command('datasets').description("a user's download access to datasets (internal: needs the internal secret)");
  for (const action of ['grant', 'revoke'] as const) {
    datasets
      .command(action)
      .description(`${action} a user's access to a dataset`)
      .argument('<user-id>')
      .argument('<dataset-id>')
      .action(async (userId: string, datasetId: string) => {
        await datasetAccess(action, userId, datasetId);
        process.stdout.write(`${action === 'grant' ? 'granted' : 'revoked'}: ${userId} → ${datasetId}\n`);
      });
  }

  cli
    .command('migrate')
    .description('database migrations (DATABASE_URL): apply the pending ones, undo the last one, or list them')
    .argument('<action>', 'up, down or status', (value: string) => {
      if (value !== 'up' && value !== 'down' && value !== 'status') throw new InvalidArgumentError('up, down or status');
      return value;
    })
    .action(async (action: 'up' | 'down' | 'status') => {
      process.stdout.write(`${await migrations(action)}\n`);
    });

  return cli;
}

export async function run(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are "errors" of code 0 that commander has printed already.
      if (error.exitCode !== 0 && !['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code)) {
        if (error.code.startsWith('conductor.')) process.stderr.write(`conductor: ${error.message}\n`);
      }
      return error.exitCode;
    }
    process.stderr.write(`conductor: ${error instanceof GatewayError || error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
