/** The gRPC server as internal services meet it: generated clients, health and reflection. */
import { execFile } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, loadPackageDefinition, Metadata, Server, ServerCredentials, status, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/stack/paths.ts';
import { AuthServiceClient } from '../../src/gen/conductor/auth/v1/auth.js';
import type { HttpBody } from '../../src/gen/google/api/httpbody.js';
import { PackageServiceClient, PackageServiceService } from '../../src/gen/conductor/package/v1/package.js';
import { createLogger } from '../../src/logger.ts';
import { serviceHandlers } from '../../src/rpc/service-handlers.ts';
import { serviceNames } from '../../src/rpc/server.ts';
import { testStack } from '../setup/test-stack.ts';

type Callback<T> = (error: ServiceError | null, response: T) => void;
type UnaryMethod<Req, Res> = (request: Req, callback: Callback<Res>) => unknown;

const clients: Client[] = [];
function track<C extends Client>(client: C): C {
  clients.push(client);
  return client;
}
afterAll(() => clients.forEach((client) => client.close()));

function call<Req, Res>(method: UnaryMethod<Req, Res>, request: Req): Promise<Res> {
  return new Promise((done, fail) => method(request, (error, response) => (error ? fail(error) : done(response))));
}

/** A client for a service that ts-proto does not generate (health, reflection), from its .proto. */
function dynamicClient(protoFile: string, servicePath: string[]): Client {
  const definition = loadPackageDefinition(loadSync(protoFile, { keepCase: true, defaults: true, enums: String }));
  let node: unknown = definition;
  for (const part of servicePath) node = (node as Record<string, unknown>)[part];
  const Constructor = node as new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => Client;
  return track(new Constructor(testStack().grpc, credentials.createInsecure()));
}

describe('gRPC server', () => {
  it('serves the public key through the generated client', async () => {
    const client = track(new AuthServiceClient(testStack().grpc, credentials.createInsecure()));
    const body = await call<object, HttpBody>(client.getPublicKey.bind(client), {});
    expect(body.contentType).toBe('application/x-pem-file');
    expect(createPublicKey(Buffer.from(body.data).toString()).asymmetricKeyType).toBe('rsa');
  });

  it('answers UNIMPLEMENTED with a message for a method without a handler, never a fake success', async () => {
    // Every method of the contract is built now; the mechanism stays for the next ones.
    const server = new Server();
    server.addService(PackageServiceService, serviceHandlers(PackageServiceService, { logger: createLogger('silent', 'test'), resolveCaller: async () => ({ kind: 'anonymous', presentedToken: false }) }, {}));
    const port = await new Promise<number>((done, fail) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? fail(error) : done(bound))));
    const client = track(new PackageServiceClient(`127.0.0.1:${port}`, credentials.createInsecure()));
    const error = await call(client.getStats.bind(client), {}).catch((caught: ServiceError) => caught);
    expect((error as ServiceError).code).toBe(status.UNIMPLEMENTED);
    expect((error as ServiceError).details).toBe('conductor.package.v1.PackageService/GetStats is not built yet');
    server.forceShutdown();
  });

  it('says SERVING on grpc.health.v1 for the server and each service', async () => {
    const health = dynamicClient(join(repoRoot, 'node_modules', 'grpc-health-check', 'proto', 'health', 'v1', 'health.proto'), ['grpc', 'health', 'v1', 'Health']);
    const check = (health as unknown as { check: UnaryMethod<{ service: string }, { status: string }> }).check.bind(health);
    for (const service of ['', ...serviceNames]) {
      expect(await call(check, { service }), service || '(server)').toEqual({ status: 'SERVING' });
    }
    const unknown = await call(check, { service: 'no.such.Service' }).catch((caught: ServiceError) => caught);
    expect((unknown as ServiceError).code).toBe(status.NOT_FOUND);
  });

  it('lists its services through server reflection', async () => {
    const reflection = dynamicClient(
      join(repoRoot, 'node_modules', '@grpc', 'reflection', 'build', 'proto', 'grpc', 'reflection', 'v1', 'reflection.proto'),
      ['grpc', 'reflection', 'v1', 'ServerReflection'],
    );
    const stream = (reflection as unknown as { ServerReflectionInfo: (metadata?: Metadata) => NodeJS.ReadWriteStream & { write(m: unknown): boolean; end(): void } }).ServerReflectionInfo();
    const reply = new Promise<{ list_services_response: { service: { name: string }[] } }>((done, fail) => {
      stream.on('data', done);
      stream.on('error', fail);
    });
    stream.write({ list_services: '*' });
    stream.end();
    const names = (await reply).list_services_response.service.map((service) => service.name);
    expect(names).toEqual(expect.arrayContaining([...serviceNames]));
  });

  it('lets a client that knows nothing but reflection describe and call the methods (buf curl without a schema)', async () => {
    const bufCurl = (...args: string[]) =>
      new Promise<string>((done, fail) =>
        execFile(join(repoRoot, 'node_modules', '.bin', 'buf'), ['curl', '--protocol', 'grpc', '--http2-prior-knowledge', ...args], { cwd: tmpdir() }, (error, stdout, stderr) =>
          error ? fail(new Error(`${stderr || error.message}`)) : done(stdout),
        ),
      );
    const base = `http://${testStack().grpc}`;
    const services = (await bufCurl('--list-services', base)).split('\n').filter(Boolean);
    expect(services).toEqual(expect.arrayContaining([...serviceNames, 'grpc.health.v1.Health']));
    const methods = (await bufCurl("--list-methods", base)).split('\n').filter(Boolean);
    expect(methods).toContain('conductor.workpackage.v1.WorkPackageService/CreateWorkPackage');
    expect(JSON.parse(await bufCurl(`${base}/conductor.workpackage.v1.WorkPackageService/GetHealth`))).toEqual({ status: 'OK' });
    expect(JSON.parse(await bufCurl('-d', '{"service":"conductor.auth.v1.AuthService"}', `${base}/grpc.health.v1.Health/Check`))).toEqual({ status: 'SERVING' });
    // Messages from imported files (google.protobuf.Struct) resolve too.
    const jwks = JSON.parse(await bufCurl(`${base}/conductor.auth.v1.AuthService/GetJwks`)) as { keys: { kty: string }[] };
    expect(jwks.keys[0]?.kty).toMatch(/^(RSA|EC)$/);
  });
});
