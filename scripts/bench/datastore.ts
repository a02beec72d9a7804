/**
 * `npm run bench:datastore`: how long /datastore/authorize takes for 1, 100
 * and 1000 files, through Envoy (HTTP → transcoder → gRPC → signing), next
 * to the same signing done in-process in the same run (the baseline: the
 * ratio is what the gateway, gRPC and JSON add).
 */
import { createHash } from 'node:crypto';
import { benchPermissionToken, cpuPerUnit, formatPerUnit, fromBuild, stackProcesses, startBenchStack, summarize, sized } from './bench-stack.ts';

const stack = await startBenchStack();
try {
  const env = stack.conductorEnv;
  const { SigV4UploadSigner } = await fromBuild('adapters/minio/sigv4-upload-signer.js');
  const { DatastoreService, referencePrefixes } = await fromBuild('core/datastore/datastore.service.js');
  const owner = createHash('md5').update('bench@example.test').digest('hex');
  const token = await benchPermissionToken(stack, owner);
  const objectStore = { endpoint: env.S3_ENDPOINT, publicEndpoint: env.S3_PUBLIC_ENDPOINT, accessKey: env.S3_ACCESS_KEY, secretKey: env.S3_SECRET_KEY, bucket: 'conductor-datastore', region: 'us-east-1' };
  const inProcess = new DatastoreService(new SigV4UploadSigner(objectStore), { maxFiles: 1000, maxFileBytes: 5 * 1024 ** 3, urlExpirySeconds: 259200 }, referencePrefixes(String(env.S3_PUBLIC_ENDPOINT), 'conductor-datastore'));
  const permission = { userid: owner, service: 'os.datastore', permissions: { 'datapackage-upload': true } };

  const body = (files: number) => ({
    metadata: { owner, name: 'bench-package' },
    filedata: Object.fromEntries(
      Array.from({ length: files }, (_, i) => [`data/part-${i}.csv`, { length: 1000 + i, md5: createHash('md5').update(String(i)).digest('base64'), type: 'text/csv', name: `part-${i}.csv` }]),
    ),
  });

  /**
   * Times both paths round by round, alternating (gateway, then in process),
   * so that whatever else the shared machine does in a moment weighs on both.
   */
  const timeBoth = async (gateway: () => Promise<void>, local: () => Promise<void>, rounds: number) => {
    for (let i = 0; i < Math.min(5, rounds); i++) {
      await gateway();
      await local();
    }
    const samples = { gateway: [] as number[], local: [] as number[] };
    for (let i = 0; i < rounds; i++) {
      let started = performance.now();
      await gateway();
      samples.gateway.push(performance.now() - started);
      started = performance.now();
      await local();
      samples.local.push(performance.now() - started);
    }
    return { viaGateway: summarize(samples.gateway), local: summarize(samples.local) };
  };

  // The bench process makes the gateway's HTTP calls and also signs in process: its CPU is both.
  const { envoy, servers } = stackProcesses(stack);
  const processes = { envoy, servers, 'bench (HTTP client + in-process signing)': () => [process.pid] };
  const cpuLines: string[] = [];
  console.log('\n/datastore/authorize — milliseconds per request (mean, p50, p99) and per file (mean)\n');
  console.log('files  rounds | through Envoy: mean    p50    p99  per-file | in-process: mean  per-file | ratio');
  const sizes: [files: number, rounds: number][] = sized([[1, 200], [100, 50], [1000, 30]], [[1, 2], [10, 2]]);
  for (const [files, rounds] of sizes) {
    const payload = JSON.stringify(body(files));
    const parsed = body(files);
    const {
      result: { viaGateway, local },
      usPerUnit,
    } = await cpuPerUnit(processes, () => timeBoth(
      async () => {
        const response = await fetch(`${stack.urls.gateway}/datastore/authorize`, { method: 'POST', body: payload, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
        if (response.status !== 200) throw new Error(`authorize answered ${response.status}: ${await response.text()}`);
        await response.arrayBuffer();
      },
      async () => {
        await inProcess.authorize(permission, parsed);
      },
      rounds,
    ), () => rounds + Math.min(5, rounds));
    cpuLines.push(`${String(files).padStart(5)} files | ${formatPerUnit(usPerUnit)}`);
    const f = (value: number, width = 7) => value.toFixed(2).padStart(width);
    console.log(
      `${String(files).padStart(5)} ${String(rounds).padStart(7)} | ${f(viaGateway.mean, 19)} ${f(viaGateway.p50)} ${f(viaGateway.p99)} ${f(viaGateway.mean / files, 9)} | ${f(local.mean, 16)} ${f(local.mean / files, 9)} | ${f(viaGateway.mean / local.mean, 5)}×`,
    );
  }
  console.log('\nratio = through Envoy ÷ in-process (same signer, same run, alternating round by round): the cost of HTTP, the transcoder, gRPC and JSON.\n');
  console.log('CPU time per request through Envoy (µs), by process (warm-up included):\n');
  for (const line of cpuLines) console.log(line);
  console.log('');
} finally {
  await stack.dispose();
}
