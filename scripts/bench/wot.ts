/**
 * `npm run bench:wot`: work order tokens per second (ES256 sign + libsodium
 * seal), through Envoy (HTTP → transcoder → gRPC → access checks in
 * PostgreSQL → sign → seal) and in-process (sign + seal only), in the same run.
 */
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SignJWT } from 'jose';
import pg from 'pg';
import sodium from 'libsodium-wrappers';
import { cpuPerUnit, formatPerUnit, fromBuild, measure, stackProcesses, startBenchStack, sized } from './bench-stack.ts';

const rounds = sized(1000, 5);
const concurrency = 4;
const warmup = sized(50, 2);

const stack = await startBenchStack();
try {
  const env = stack.conductorEnv;
  const { LibsodiumSealer } = await fromBuild('adapters/crypto/libsodium-sealer.js');
  const { JoseWorkOrderSigner } = await fromBuild('adapters/keys/work-package-keys.adapter.js');

  await sodium.ready;
  const user = { id: 'bench@example.test', name: 'Bench User', email: 'bench@example.test' };
  const internalToken = await new SignJWT(user).setProtectedHeader({ alg: 'ES256' }).setIssuedAt().setExpirationTime('1h').sign(createPrivateKey(readFileSync(String(env.WORK_PACKAGE_INTERNAL_KEY_FILE))));

  const db = new pg.Client({ connectionString: String(env.DATABASE_URL) });
  await db.connect();
  await db.query("insert into datasets (id, owner, title, description, stage, published, files) values ('bench-dataset', 'someone', 'Bench', null, 'download', true, $1)", [JSON.stringify([{ id: 'file-1', extension: '.csv' }])]);
  await db.end();
  // A published dataset: any user may create a work package for it.
  const keys = sodium.crypto_box_keypair();
  const created = await fetch(`${stack.urls.gateway}/work-packages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${internalToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ dataset_id: 'bench-dataset', type: 'download', user_public_crypt4gh_key: Buffer.from(keys.publicKey).toString('base64') }),
  });
  if (created.status !== 201) throw new Error(`create answered ${created.status}: ${await created.text()}`);
  const sealed = { ...((await created.json()) as { id: string; token: string }), userKey: Buffer.from(keys.publicKey).toString('base64') };
  const accessToken = sodium.crypto_box_seal_open(Buffer.from(sealed.token, 'base64'), keys.publicKey, keys.privateKey, 'text');

  const run = (work: () => Promise<void>) => measure(work, { requests: rounds, concurrency, warmup });

  const { envoy, servers, postgresql } = stackProcesses(stack);
  const { result: viaGateway, usPerUnit } = await cpuPerUnit(
    { benchmark: () => [process.pid], envoy, servers, postgresql },
    () =>
      run(async () => {
        const response = await fetch(`${stack.urls.gateway}/work-packages/${sealed.id}/files/file-1/work-order-tokens`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}` } });
        if (response.status !== 201) throw new Error(`work order token answered ${response.status}: ${await response.text()}`);
        await response.arrayBuffer();
      }),
    () => rounds + warmup,
  );
  const signer = new JoseWorkOrderSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
  const sealer = new LibsodiumSealer();
  const inProcess = await run(async () => {
    const jwt = await signer.sign({ type: 'download', file_id: 'file-1', user_id: user.id, user_public_crypt4gh_key: sealed.userKey, full_user_name: user.name, email: user.email });
    await sealer.seal(jwt, sealed.userKey);
  });
  const f = (value: number, width = 8) => value.toFixed(2).padStart(width);
  console.log(`\nwork order tokens, ${rounds} each, ${concurrency} in flight\n`);
  console.log('                 tokens/s   p50 ms   p99 ms');
  console.log(`through Envoy   ${f(viaGateway.perSecond, 9)} ${f(viaGateway.p50)} ${f(viaGateway.p99)}`);
  console.log(`in-process      ${f(inProcess.perSecond, 9)} ${f(inProcess.p50)} ${f(inProcess.p99)}`);
  console.log(`ratio (through Envoy ÷ in-process, tokens/s): ${(viaGateway.perSecond / inProcess.perSecond).toFixed(2)}`);
  console.log(`CPU time per token through Envoy (µs): ${formatPerUnit(usPerUnit)}; in-process ${(1e6 / inProcess.perSecond).toFixed(0)} (one thread's wall time per token)`);
  console.log('through Envoy adds HTTP, the transcoder, gRPC, the access-token hash lookup and the access re-check in PostgreSQL.\n');
} finally {
  await stack.dispose();
}
