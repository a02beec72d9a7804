import { z } from 'zod';

/**
 * The service's signing key: a PEM or JWK private key, given inline or as a
 * file. `npm start` generates one for development; production supplies its own.
 */
export const authConfigSchema = z
  .object({
    CONDUCTOR_SIGNING_KEY: z.string().optional(),
    CONDUCTOR_SIGNING_KEY_FILE: z.string().optional(),
  })
  .refine((env) => Boolean(env.CONDUCTOR_SIGNING_KEY) !== Boolean(env.CONDUCTOR_SIGNING_KEY_FILE), {
    message: 'set exactly one of CONDUCTOR_SIGNING_KEY (PEM/JWK text) or CONDUCTOR_SIGNING_KEY_FILE (path)',
    path: ['CONDUCTOR_SIGNING_KEY'],
  })
  .transform((env) => ({ signingKey: env.CONDUCTOR_SIGNING_KEY, signingKeyFile: env.CONDUCTOR_SIGNING_KEY_FILE }));

export type AuthConfig = z.output<typeof authConfigSchema>;
