/**
 * What protoc-gen-openapiv2 cannot see in the protos, put right after the
 * upgrade to OpenAPI 3.1: who may call (rpc/access-policy.ts), the statuses
 * the gateway sets (201, 422), bodies that are google.api.HttpBody (PEM,
 * JavaScript, bare JSON arrays and strings), the free-form `package.<field>`
 * search filters, the work-package create body, the error shapes, and the
 * routes Conductor's own HTTP listener serves through the same gateway.
 */
import { accessPolicy, type Access } from '../../src/rpc/access-policy.ts';

/** An OpenAPI object, loosely typed: this module edits a generated document. */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const errorSchema = { $ref: '#/components/schemas/Error' };
const json = (schema: Json) => ({ 'application/json': { schema } });
const errorResponse = (description: string) => ({ description, content: json(errorSchema) });

/** The components the corrections refer to. */
const components: Json = {
  schemas: {
    Error: {
      type: 'object',
      description: 'Every error of the JSON API (Envoy\'s `convert_grpc_status` shape). Work-package routes add GHGA\'s `detail`.',
      required: ['code', 'message'],
      properties: {
        code: { type: 'integer', description: 'The gRPC status code.' },
        message: { type: 'string' },
        details: { type: 'array', items: { type: 'object' } },
        detail: { type: 'string', description: 'Work-package routes only: the message, as GHGA answers it.' },
      },
    },
    RegistryDocument: {
      type: 'object',
      description: 'A loaded package as the registry holds it.',
      required: ['id', 'package'],
      properties: {
        id: { type: 'string' },
        model: { type: 'object' },
        package: { type: 'object', description: 'The Fiscal Data Package descriptor, with `owner` and `private`.' },
        origin_url: { type: 'string' },
        dataset: { type: 'string' },
        author: { type: 'string' },
        loaded: { type: 'boolean' },
        last_update: { type: ['integer', 'string'] },
      },
    },
    GhgaDataset: {
      type: 'object',
      required: ['id', 'stage', 'title', 'files'],
      properties: {
        id: { type: 'string' },
        stage: { type: 'string' },
        title: { type: 'string' },
        description: { type: ['string', 'null'] },
        files: { type: 'array', items: { type: 'object', required: ['id', 'extension'], properties: { id: { type: 'string' }, extension: { type: 'string' } } } },
      },
    },
    Readiness: {
      type: 'object',
      required: ['status', 'backends'],
      properties: {
        status: { type: 'string', enum: ['ready', 'not ready'] },
        backends: { type: 'object', additionalProperties: { type: 'string', enum: ['up', 'down'] } },
      },
    },
  },
  securitySchemes: {
    bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A user token, a permission token, GHGA\'s internal access token or a work package access token, as the route says.' },
    authToken: { type: 'apiKey', in: 'header', name: 'Auth-Token', description: 'The same tokens as `bearer` (os-conductor\'s header); `Authorization` wins when both are sent.' },
  },
};

/** Which credentials each kind of caller may present (the `jwt` query parameter, where a route has it, is the third carrier). */
const securityOf: Record<Exclude<Access, 'internal'>, Json[]> = {
  public: [],
  'user-optional': [{}, { bearer: [] }, { authToken: [] }],
  user: [{ bearer: [] }, { authToken: [] }],
  permission: [{ bearer: [] }, { authToken: [] }],
  'user-or-permission': [{ bearer: [] }, { authToken: [] }],
  'work-package-user': [{ bearer: [] }],
  'work-package-access': [{ bearer: [] }],
};

/** The gRPC path (`/pkg.Service/Method`) of a generated operation id (`Service_Method`, aliases numbered). */
function grpcPathOf(operationId: string): string {
  const [service, method] = operationId.replace(/\d+$/, '').split('_');
  const path = Object.keys(accessPolicy).find((candidate) => candidate.endsWith(`.${service}/${method}`));
  if (!path) throw new Error(`operation ${operationId} matches no method of the access policy`);
  return path;
}

/** Makes the named query parameters required and non-empty (the service answers 400 without them). */
const requireParameters = (...names: string[]) => (operation: Json) => {
  for (const parameter of operation.parameters as Json[]) {
    if (!names.includes(parameter.name)) continue;
    parameter.required = true;
    parameter.schema = { ...parameter.schema, minLength: 1 };
  }
};

/** Per-method fixes, keyed by gRPC method name (every binding of the method gets them). */
const methodFixes: Record<string, (operation: Json) => void> = {
  Upload: requireParameters('datapackage'),
  GetStatus: requireParameters('datapackage'),
  Delete: requireParameters('id'),
  UpdateParams: requireParameters('id'),
  Publish: (operation) => {
    requireParameters('id', 'publish')(operation);
    const publish = operation.parameters.find((parameter: Json) => parameter.name === 'publish');
    publish.schema = { type: 'string', enum: ['true', 'false', 'toggle'] };
  },
  Authorize: (operation) => {
    // AuthService has an Authorize too (its answer is a message the generator describes).
    if (!String(operation.operationId).startsWith('DatastoreService_')) return;
    const signedUpload = {
      type: 'object',
      required: ['md5', 'name', 'length', 'upload_url', 'upload_query'],
      properties: {
        md5: { type: 'string', description: 'The declared base64 MD5, echoed.' },
        name: { type: 'string' },
        length: { type: 'number' },
        type: { type: 'string', description: 'The declared Content-Type, when there was one.' },
        upload_url: { type: 'string', description: '`<public S3 endpoint>/<bucket>/<owner>/<name>/<path>`.' },
        upload_query: { type: 'object', description: 'The signature\'s query parameters, each a list of strings.', additionalProperties: { type: 'array', items: { type: 'string' } } },
      },
    };
    operation.responses['200'] = {
      description: 'A presigned PUT for each file, keyed by its path in the package (`{"filedata": {}}` for none).',
      content: json({ type: 'object', required: ['filedata'], properties: { filedata: { type: 'object', additionalProperties: signedUpload } } }),
    };
  },
  GetPublicKey: (operation) => {
    operation.responses['200'] = { description: 'The PEM public key (SubjectPublicKeyInfo).', content: { 'application/x-pem-file': { schema: { type: 'string' } } } };
  },
  GetLib: (operation) => {
    operation.responses['200'] = { description: 'The browser auth client, a classic script.', content: { 'application/javascript': { schema: { type: 'string' } } } };
  },
  Search: (operation) => {
    operation.responses['200'] = { description: 'The matching packages, a bare JSON array.', content: json({ type: 'array', items: { $ref: '#/components/schemas/RegistryDocument' } }) };
    const kind = operation.parameters.find((parameter: Json) => parameter.name === 'kind');
    kind.schema = { type: 'string', enum: ['package'] };
    kind.description = 'What to search; only `package` exists (anything else is a 400).';
    operation.parameters.push({
      name: 'filters',
      in: 'query',
      style: 'form',
      explode: true,
      required: false,
      description: 'Match filters `package.<field>=<JSON value>`, each a query parameter of its own; a repeated parameter is an OR.',
      schema: { type: 'object', propertyNames: { pattern: '^package\\.[A-Za-z0-9_.]+$' }, additionalProperties: { type: 'string' } },
    });
  },
  CreateWorkPackage: (operation) => {
    // The typed fields are for gRPC callers; HTTP clients send GHGA's body, validated strictly.
    operation.parameters = [];
    operation.requestBody = {
      required: true,
      content: json({
        type: 'object',
        additionalProperties: false,
        required: ['dataset_id', 'type', 'user_public_crypt4gh_key'],
        properties: {
          dataset_id: { type: 'string' },
          type: { type: 'string', enum: ['download'] },
          file_ids: { type: ['array', 'null'], items: { type: 'string' } },
          user_public_crypt4gh_key: { type: 'string', description: 'Crypt4GH public key, bare base64 or armoured.' },
        },
      }),
    };
    operation.responses['201'] = { ...operation.responses['200'], description: 'The work package, with its access token sealed to the key.' };
    delete operation.responses['200'];
    operation.responses['422'] = errorResponse('The body is not a JSON object of the fields above.');
  },
  CreateWorkOrderToken: (operation) => {
    operation.responses['201'] = {
      description: 'The work order token, sealed to the work package\'s key: a JSON string.',
      headers: { 'Cache-Control': { schema: { type: 'string', const: 'max-age=30, private' } } },
      content: json({ type: 'string' }),
    };
    delete operation.responses['200'];
  },
  ListUserDatasets: (operation) => {
    operation.responses['200'] = { description: 'The datasets the user may access, a bare JSON array.', content: json({ type: 'array', items: { $ref: '#/components/schemas/GhgaDataset' } }) };
  },
};

/** Routes of Conductor's own HTTP listener (what cannot be a gRPC binding), routed by the same gateway. */
const listenerPaths: Json = {
  '/oauth/login/{provider}': {
    get: {
      operationId: 'OAuth_Login',
      tags: ['OAuth'],
      summary: 'Starts a login with an identity provider; its callback ends with a 302 to `next` carrying `jwt`.',
      parameters: [
        { name: 'provider', in: 'path', required: true, schema: { type: 'string' }, description: 'A provider `/user/check` lists.' },
        { name: 'next', in: 'query', required: true, schema: { type: 'string', format: 'uri' }, description: 'Where to return; must be on the allowed-origins list.' },
      ],
      responses: {
        '302': { description: 'To the identity provider.' },
        default: errorResponse('`next` missing or not allowed (400), unknown provider (404).'),
      },
    },
  },
  '/ready': {
    get: {
      operationId: 'Readiness',
      tags: ['Operations'],
      summary: 'Readiness: which backend does not answer (`/health` is liveness).',
      responses: {
        '200': { description: 'Every backend answers.', content: json({ $ref: '#/components/schemas/Readiness' }) },
        '503': { description: 'A backend does not answer.', content: json({ $ref: '#/components/schemas/Readiness' }) },
      },
    },
  },
  '/openapi.json': {
    get: {
      operationId: 'OpenApiDocument',
      tags: ['Operations'],
      summary: 'This document.',
      responses: { '200': { description: 'OpenAPI 3.1.', content: json({ type: 'object' }) } },
    },
  },
  '/docs': {
    get: {
      operationId: 'ApiDocsPage',
      tags: ['Operations'],
      summary: 'This document, rendered (Swagger UI).',
      responses: { '200': { description: 'An HTML page.', content: { 'text/html': { schema: { type: 'string' } } } } },
    },
  },
};

/** Applies every correction to an upgraded document (in place) and returns it. */
export function correct(document: Json, version: string): Json {
  document.info = {
    title: 'Conductor',
    version,
    description: 'The JSON API of Conductor, transcoded by Envoy from its gRPC services (proto/). Tokens are read from `Authorization: Bearer`, then `Auth-Token`, then the `jwt` query parameter where a route has one.',
    license: { name: 'AGPL-3.0-or-later', identifier: 'AGPL-3.0-or-later' },
  };
  delete document.components.schemas.rpcStatus;
  delete document.components.schemas.protobufAny;
  delete document.components.schemas.apiHttpBody;
  Object.assign(document.components.schemas, components.schemas);
  document.components.securitySchemes = components.securitySchemes;

  for (const [path, item] of Object.entries(document.paths as Json)) {
    for (const operation of Object.values(item as Json) as Json[]) {
      const grpcPath = grpcPathOf(operation.operationId);
      const access = accessPolicy[grpcPath] as Exclude<Access, 'internal'>;
      operation.security = securityOf[access];
      operation.parameters ??= [];
      operation.responses.default = errorResponse(path.startsWith('/work-packages') || path.startsWith('/users/')
        ? 'An error (GHGA\'s `detail` included).'
        : 'An error.');
      methodFixes[grpcPath.split('/').at(-1) as string]?.(operation);
    }
  }
  // The reference's alias of the datastore authorization; the gateway rewrites it (envoy/gateway.lua).
  document.paths['/datastore/'] = { post: { ...document.paths['/datastore/authorize'].post, operationId: 'DatastoreService_Authorize_Alias' } };
  Object.assign(document.paths, listenerPaths);
  document.tags = [...document.tags, { name: 'OAuth' }, { name: 'Operations' }];
  document.paths = Object.fromEntries(Object.entries(document.paths).sort(([a], [b]) => a.localeCompare(b)));
  pruneUnusedSchemas(document);
  return document;
}

/** Drops the schemas nothing refers to any more (the response messages whose HTTP body is an HttpBody). */
function pruneUnusedSchemas(document: Json): void {
  const schemas = document.components.schemas as Json;
  const used = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!value || typeof value !== 'object') return;
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string') {
        const name = inner.replace('#/components/schemas/', '');
        if (!used.has(name)) {
          used.add(name);
          visit(schemas[name]);
        }
      } else visit(inner);
    }
  };
  visit(document.paths);
  for (const name of Object.keys(schemas)) if (!used.has(name)) delete schemas[name];
}
