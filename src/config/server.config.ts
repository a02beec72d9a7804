import { z } from 'zod';
import { httpUrl, port } from './env.js';

/** Where Conductor listens and how it presents itself. */
export const serverConfigSchema = z
  .object({
    CONDUCTOR_GRPC_HOST: z.string().default('127.0.0.1'),
    CONDUCTOR_GRPC_PORT: port.default(50051),
    CONDUCTOR_HTTP_PORT: port.default(8081),
    CONDUCTOR_PUBLIC_URL: httpUrl.default('http://localhost:8080'),
    CONDUCTOR_SHUTDOWN_GRACE_SECONDS: z.coerce.number().positive().default(10),
    CONDUCTOR_SHUTDOWN_DRAIN_SECONDS: z.coerce.number().nonnegative().default(2),
    CONDUCTOR_DESCRIPTOR_FILE: z.string().default('envoy/descriptor.pb'),
    CONDUCTOR_OPENAPI_FILE: z.string().default('docs/openapi.json'),
    CONDUCTOR_INTERNAL_SECRET: z.string().optional(),
    CONDUCTOR_INTERNAL_SECRET_FILE: z.string().optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .transform((env) => ({
    grpcHost: env.CONDUCTOR_GRPC_HOST,
    grpcPort: env.CONDUCTOR_GRPC_PORT,
    httpPort: env.CONDUCTOR_HTTP_PORT,
    publicUrl: env.CONDUCTOR_PUBLIC_URL,
    shutdownGraceMs: env.CONDUCTOR_SHUTDOWN_GRACE_SECONDS * 1000,
    /**
     * How long a stopping server still takes calls while it reports NOT_SERVING,
     * so the gateway's health checks (every second) send new calls elsewhere first.
     */
    shutdownDrainMs: env.CONDUCTOR_SHUTDOWN_DRAIN_SECONDS * 1000,
    descriptorFile: env.CONDUCTOR_DESCRIPTOR_FILE,
    /** The OpenAPI document served at /openapi.json and /docs. */
    openapiFile: env.CONDUCTOR_OPENAPI_FILE,
    logLevel: env.LOG_LEVEL,
    /** The secret internal callers sign their tokens with (text or file); none closes the internal methods. */
    internalSecret: { text: env.CONDUCTOR_INTERNAL_SECRET, file: env.CONDUCTOR_INTERNAL_SECRET_FILE },
  }));

export type ServerConfig = z.output<typeof serverConfigSchema>;
