/**
 * The compiled contract (envoy/descriptor.pb, what Envoy transcodes), decoded
 * by buf: every method of Conductor's services with its HTTP bindings and
 * the scalar fields of its request. Suites that must cover every route read
 * it, so a new route is covered without editing them.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../scripts/stack/paths.ts';

interface HttpRule {
  get?: string;
  post?: string;
  put?: string;
  delete?: string;
  patch?: string;
  body?: string;
  additionalBindings?: HttpRule[];
}

interface Field {
  name: string;
  type: string;
  label: string;
}

interface Image {
  file: {
    package?: string;
    messageType?: { name: string; field?: Field[] }[];
    service?: { name: string; method: { name: string; inputType: string; options?: Record<string, HttpRule> }[] }[];
  }[];
}

/** One HTTP route of a method. */
export interface HttpBinding {
  verb: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  /** The path template, `{x}` marking a path parameter. */
  path: string;
  /** `METHOD /path`, as the contract writes routes. */
  route: string;
  /** Whether the request body maps to the message (`body: "*"` or a field). */
  hasBody: boolean;
}

export interface ContractMethod {
  /** The gRPC path, `/package.Service/Method`. */
  path: string;
  /** Names of the request's scalar fields (what a query string can set). */
  queryFields: string[];
  bindings: HttpBinding[];
}

let cached: ContractMethod[] | undefined;

/** Every method of the `conductor.*` services in the built descriptor set. */
export function contractMethods(): ContractMethod[] {
  if (cached) return cached;
  const image = JSON.parse(
    execFileSync(join(repoRoot, 'node_modules', '.bin', 'buf'), ['build', 'envoy/descriptor.pb#format=binpb', '-o', '-#format=json'], {
      cwd: repoRoot,
      maxBuffer: 64 * 1024 * 1024,
    }).toString(),
  ) as Image;
  const messages = new Map<string, Field[]>();
  for (const file of image.file) for (const message of file.messageType ?? []) messages.set(`.${file.package}.${message.name}`, message.field ?? []);
  const methods: ContractMethod[] = [];
  for (const file of image.file) {
    if (!file.package?.startsWith('conductor.')) continue;
    for (const service of file.service ?? []) {
      for (const method of service.method) {
        const rule = method.options?.['[google.api.http]'];
        const bindings: HttpBinding[] = [];
        for (const binding of rule ? [rule, ...(rule.additionalBindings ?? [])] : []) {
          for (const verb of ['get', 'post', 'put', 'delete', 'patch'] as const) {
            const path = binding[verb];
            if (path) bindings.push({ verb: verb.toUpperCase() as HttpBinding['verb'], path, route: `${verb.toUpperCase()} ${path}`, hasBody: Boolean(binding.body) });
          }
        }
        const queryFields = (messages.get(method.inputType) ?? []).filter((field) => field.type !== 'TYPE_MESSAGE' && field.label !== 'LABEL_REPEATED').map((field) => field.name);
        methods.push({ path: `/${file.package}.${service.name}/${method.name}`, queryFields, bindings });
      }
    }
  }
  cached = methods;
  return methods;
}
