/**
 * Writes the JSON schemas kubeconform validates the Helm chart against
 * (deploy/kubernetes-schemas), from the OpenAPI document of one Kubernetes
 * release: only the kinds the chart renders, each a small file that refers
 * to one shared file of definitions. Strict, as kubeconform's own
 * "-standalone-strict" schemas are: an object field the schema does not name
 * is an error, so a misspelt key in a template fails the check.
 *
 *   node scripts/kubernetes-schemas.ts
 *
 * reads the document from the Go module proxy's copy of k8s.io/kubernetes
 * (`go mod download`), so no cluster and no GitHub access is needed.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './stack/paths.ts';

export const kubernetesVersion = 'v1.36.3';
export const schemaDir = join(repoRoot, 'deploy', 'kubernetes-schemas', kubernetesVersion);

/** The kinds the chart renders: file name (as kubeconform's `{{ .ResourceKind }}{{ .KindSuffix }}`) → definition. */
const kinds: Record<string, string> = {
  'configmap-v1': 'io.k8s.api.core.v1.ConfigMap',
  'secret-v1': 'io.k8s.api.core.v1.Secret',
  'service-v1': 'io.k8s.api.core.v1.Service',
  'serviceaccount-v1': 'io.k8s.api.core.v1.ServiceAccount',
  'deployment-apps-v1': 'io.k8s.api.apps.v1.Deployment',
  'job-batch-v1': 'io.k8s.api.batch.v1.Job',
  'horizontalpodautoscaler-autoscaling-v2': 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler',
  'poddisruptionbudget-policy-v1': 'io.k8s.api.policy.v1.PodDisruptionBudget',
  'networkpolicy-networking-v1': 'io.k8s.api.networking.v1.NetworkPolicy',
};

type Schema = Record<string, unknown>;

/** Values Kubernetes takes as a string or a number (ports in probes, resource quantities). */
const scalars: Record<string, Schema> = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { oneOf: [{ type: 'string' }, { type: 'integer' }] },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { oneOf: [{ type: 'string' }, { type: 'number' }] },
};

function swaggerDocument(): { definitions: Record<string, Schema> } {
  const module = JSON.parse(execFileSync('go', ['mod', 'download', '-json', `k8s.io/kubernetes@${kubernetesVersion}`], { encoding: 'utf8', cwd: repoRoot })) as { Dir: string };
  return JSON.parse(readFileSync(join(module.Dir, 'api', 'openapi-spec', 'swagger.json'), 'utf8')) as { definitions: Record<string, Schema> };
}

/** A definition made strict, its references pointed at the shared file; the names it refers to are collected. */
function strict(schema: unknown, refs: Set<string>): unknown {
  if (Array.isArray(schema)) return schema.map((item) => strict(item, refs));
  if (!schema || typeof schema !== 'object') return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema as Schema)) {
    if (key === '$ref' && typeof value === 'string') {
      const name = value.replace('#/definitions/', '');
      refs.add(name);
      out.$ref = `_definitions.json#/definitions/${name}`;
    } else if (key === 'description' || key.startsWith('x-kubernetes-')) {
      // Long prose; the validation does not read it.
    } else {
      out[key] = strict(value, refs);
    }
  }
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

if (import.meta.main) {
  const { definitions } = swaggerDocument();
  const shared: Record<string, unknown> = {};
  const pending = new Set<string>();
  rmSync(schemaDir, { recursive: true, force: true });
  mkdirSync(schemaDir, { recursive: true });
  for (const [file, name] of Object.entries(kinds)) {
    writeFileSync(join(schemaDir, `${file}.json`), `${JSON.stringify({ $ref: `_definitions.json#/definitions/${name}` })}\n`);
    pending.add(name);
  }
  while (pending.size) {
    const [name] = pending;
    pending.delete(name as string);
    if (!name || shared[name]) continue;
    const refs = new Set<string>();
    shared[name] = scalars[name] ?? strict(definitions[name], refs);
    if (!shared[name]) throw new Error(`no definition ${name} in Kubernetes ${kubernetesVersion}`);
    for (const ref of refs) if (!shared[ref]) pending.add(ref);
  }
  const sorted = Object.fromEntries(Object.entries(shared).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(join(schemaDir, '_definitions.json'), `${JSON.stringify({ definitions: sorted })}\n`);
  process.stdout.write(`${Object.keys(kinds).length} kinds, ${Object.keys(sorted).length} definitions → ${schemaDir}\n`);
}
