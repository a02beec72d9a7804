/**
 * The Helm chart (deploy/helm/conductor) is checked without a cluster: `helm
 * lint`, `helm template`, and kubeconform against the Kubernetes schemas kept
 * in deploy/kubernetes-schemas (strict: a misspelt key fails). Then what an
 * operator relies on is read from the rendered objects: probes, the gRPC port
 * kept internal, secrets only from a Secret, settings the configuration knows.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { kubernetesVersion } from '../../scripts/kubernetes-schemas.ts';
import { repoRoot } from '../../scripts/stack/paths.ts';
import { loadConfig } from '../../src/config/index.ts';
import { testStack } from '../setup/test-stack.ts';
import { workerNodeFlags } from '../../workflows/worker-node-flags.ts';

const run = promisify(execFile);
const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const chart = join(repoRoot, 'deploy', 'helm', 'conductor');
const schemas = join(repoRoot, 'deploy', 'kubernetes-schemas', kubernetesVersion);

/** A rendered object, as far as these checks read it. */
interface Rendered {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec?: Record<string, unknown> & {
    template?: { spec: { containers: Container[]; initContainers?: Container[] } };
    ingress?: { from?: unknown[]; ports?: { port: number }[] }[];
    podSelector?: { matchLabels?: Record<string, string> };
  };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}
interface Container {
  name: string;
  args?: string[];
  env?: { name: string; value?: string }[];
  envFrom?: unknown[];
  readinessProbe?: Record<string, unknown>;
  livenessProbe?: Record<string, unknown>;
}

describe('the Helm chart', () => {
  let helm: string;
  let kubeconform: string;
  const scratch = mkdtempSync(join(tmpdir(), 'conductor-chart-'));
  const valuesFile = join(scratch, 'values.yaml');

  beforeAll(() => {
    ({ helmBinary: helm, kubeconformBinary: kubeconform } = testStack());
    // An operator's values: credentials given to the chart, a backend closed to all but Conductor.
    writeFileSync(
      valuesFile,
      JSON.stringify({
        secrets: { values: { DATABASE_URL: 'postgres://conductor:pw@postgresql:5432/conductor', S3_ACCESS_KEY: 'conductor', S3_SECRET_KEY: 'secret-secret', CONDUCTOR_INTERNAL_SECRET: 'x'.repeat(40), CONDUCTOR_SIGNING_KEY: signingKey } },
        networkPolicy: { backends: [{ name: 'postgresql', podSelector: { matchLabels: { 'app.kubernetes.io/name': 'postgresql' } }, port: 5432 }] },
        extraEnv: { PACKAGE_ALLOWED_HOSTS: 'raw.githubusercontent.com' },
        tracing: { otlpEndpoint: 'http://tempo.monitoring:4318' },
      }),
    );
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  const template = async (...args: string[]) => (await run(helm, ['template', 'conductor', chart, ...args], { maxBuffer: 16 * 1024 * 1024 })).stdout;
  const objects = async (...args: string[]) =>
    parseAllDocuments(await template(...args))
      .map((document) => document.toJS() as Rendered | null)
      .filter((object): object is Rendered => Boolean(object));

  it('passes helm lint', async () => {
    const { stdout } = await run(helm, ['lint', chart, '--strict', '-f', valuesFile]);
    expect(stdout).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it('renders objects that kubeconform finds valid against the Kubernetes schemas (strict)', async () => {
    for (const args of [['-f', valuesFile], ['--set', 'secrets.existingSecret=conductor-credentials', '--set', 'server.autoscaling.enabled=false']]) {
      const file = join(scratch, 'rendered.yaml');
      writeFileSync(file, await template(...args));
      const { stdout } = await run(kubeconform, ['-strict', '-summary', '-output', 'json', '-schema-location', join(schemas, '{{ .ResourceKind }}{{ .KindSuffix }}.json'), file]).catch((error: { stdout: string }) => ({ stdout: error.stdout }));
      const report = JSON.parse(stdout) as { summary: { valid: number; invalid: number; errors: number; skipped: number }; resources?: { kind: string; name: string; msg: string }[] };
      expect(report.resources ?? [], JSON.stringify(report.resources)).toEqual([]);
      expect(report.summary.invalid + report.summary.errors + report.summary.skipped).toBe(0);
      expect(report.summary.valid).toBeGreaterThanOrEqual(14);
    }
  });

  it('has a check that fails: a misspelt probe in a rendered Deployment is invalid', async () => {
    const file = join(scratch, 'misspelt.yaml');
    writeFileSync(file, (await template('-f', valuesFile)).replace('readinessProbe:', 'readinesProbe:'));
    const failed = await run(kubeconform, ['-strict', '-schema-location', join(schemas, '{{ .ResourceKind }}{{ .KindSuffix }}.json'), file]).then(
      () => '',
      (error: { stdout: string }) => error.stdout,
    );
    expect(failed).toMatch(/additional properties 'readinesProbe' not allowed/);
  });

  it('refuses to render without credentials, naming what is missing', async () => {
    const failure = (await template().catch((error: { stderr: string }) => error.stderr)) as string;
    expect(failure).toMatch(/secrets\.values\.DATABASE_URL is required/);
  });

  it('gives every process probes: servers ready on gRPC health, workers and servers alive on their listeners', async () => {
    const rendered = await objects('-f', valuesFile);
    const deployments = rendered.filter((object) => object.kind === 'Deployment');
    expect(deployments.map((deployment) => deployment.metadata.name).sort()).toEqual(['conductor-gateway', 'conductor-server', 'conductor-worker']);
    for (const deployment of deployments) {
      for (const container of deployment.spec?.template?.spec.containers ?? []) {
        expect(container.readinessProbe, `${deployment.metadata.name}/${container.name}`).toBeDefined();
        expect(container.livenessProbe, `${deployment.metadata.name}/${container.name}`).toBeDefined();
      }
    }
    const server = deployments.find((deployment) => deployment.metadata.name === 'conductor-server')?.spec?.template?.spec.containers[0];
    expect(server?.readinessProbe?.grpc).toEqual({ port: 50051 });
    expect(rendered.filter((object) => object.kind === 'HorizontalPodAutoscaler')).toHaveLength(1);
    expect(rendered.filter((object) => object.kind === 'PodDisruptionBudget')).toHaveLength(3);
    const job = rendered.find((object) => object.kind === 'Job');
    expect(job?.metadata.annotations?.['helm.sh/hook']).toBe('post-install,pre-upgrade');
    expect(job?.spec?.template?.spec.containers[0]?.args).toEqual(['migrate']);
  });

  it('starts the worker with the Node flags it needs from the start (the heap size the loader is tuned for)', async () => {
    const worker = (await objects('-f', valuesFile)).find((object) => object.kind === 'Deployment' && object.metadata.name === 'conductor-worker');
    const nodeOptions = worker?.spec?.template?.spec.containers[0]?.env?.find((variable) => variable.name === 'NODE_OPTIONS')?.value;
    expect(nodeOptions?.split(' ')).toEqual(workerNodeFlags);
  });

  it('keeps the gRPC port internal: only the gateway and labelled clients reach it; backends only from Conductor', async () => {
    const policies = (await objects('-f', valuesFile)).filter((object) => object.kind === 'NetworkPolicy');
    const server = policies.find((policy) => policy.metadata.name === 'conductor-server');
    const grpcRules = (server?.spec?.ingress ?? []).filter((rule) => rule.ports?.some(({ port }) => port === 50051));
    expect(grpcRules).toHaveLength(2);
    for (const rule of grpcRules) expect(rule.from?.length).toBeGreaterThan(0);
    const gateway = policies.find((policy) => policy.metadata.name === 'conductor-gateway');
    expect(gateway?.spec?.ingress?.map((rule) => rule.ports)).toEqual([[{ port: 8080, protocol: 'TCP' }]]);
    const backend = policies.find((policy) => policy.metadata.name === 'conductor-backend-postgresql');
    expect(backend?.spec?.podSelector?.matchLabels).toEqual({ 'app.kubernetes.io/name': 'postgresql' });
  });

  it('takes credentials only from a Secret and settings the configuration accepts', async () => {
    const rendered = await objects('-f', valuesFile);
    const settings = rendered.find((object) => object.kind === 'ConfigMap')?.data ?? {};
    expect(Object.keys(settings).filter((name) => /SECRET|PASSWORD|KEY$/.test(name))).toEqual([]);
    const secret = rendered.find((object) => object.kind === 'Secret')?.stringData ?? {};
    // The settings and the credentials together load as a configuration (as each process will read them).
    expect(() => loadConfig(undefined, { ...settings, ...secret })).not.toThrow();
    expect(settings.PACKAGE_ALLOWED_HOSTS).toBe('raw.githubusercontent.com');
  });
});
