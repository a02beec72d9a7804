import { z } from 'zod';
import { count, httpUrl } from './env.js';

/**
 * Work packages (GHGA 2.0.6 API): lifetime, the keys that sign Conductor's
 * internal access tokens and the work order tokens (P-256 private JWKs,
 * inline or as files; `npm start` generates both for development), extra
 * public keys of other internal-token issuers, and GHGA's optional access service.
 */
export const workPackageConfigSchema = z
  .object({
    WORK_PACKAGE_VALID_DAYS: count.min(1).default(30),
    WORK_PACKAGE_SERVICE: z.string().min(1).default('work-packages'),
    WORK_PACKAGE_INTERNAL_KEY: z.string().optional(),
    WORK_PACKAGE_INTERNAL_KEY_FILE: z.string().optional(),
    WORK_PACKAGE_SIGNING_KEY: z.string().optional(),
    WORK_PACKAGE_SIGNING_KEY_FILE: z.string().optional(),
    WORK_PACKAGE_AUTH_KEYS: z.string().optional(),
    WORK_PACKAGE_ACCESS_URL: httpUrl.optional(),
  })
  .transform((env) => ({
    validDays: env.WORK_PACKAGE_VALID_DAYS,
    /** The service name at /user/authorize whose token is an internal access token. */
    service: env.WORK_PACKAGE_SERVICE,
    internalKey: { text: env.WORK_PACKAGE_INTERNAL_KEY, file: env.WORK_PACKAGE_INTERNAL_KEY_FILE },
    signingKey: { text: env.WORK_PACKAGE_SIGNING_KEY, file: env.WORK_PACKAGE_SIGNING_KEY_FILE },
    /** JSON: one public JWK or a JWKS of other issuers whose internal tokens are accepted. */
    authKeys: env.WORK_PACKAGE_AUTH_KEYS,
    accessUrl: env.WORK_PACKAGE_ACCESS_URL,
  }));

export type WorkPackageConfig = z.output<typeof workPackageConfigSchema>;
