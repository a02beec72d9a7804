import { z } from 'zod';
import { count, httpUrl, list } from './env.js';

const providerUrls = {
  google: {
    authorize: 'https://accounts.google.com/o/oauth2/v2/auth',
    access: 'https://oauth2.googleapis.com/token',
    profile: 'https://openidconnect.googleapis.com/v1/userinfo',
  },
  github: {
    authorize: 'https://github.com/login/oauth/authorize',
    access: 'https://github.com/login/oauth/access_token',
    profile: 'https://api.github.com/user',
    emails: 'https://api.github.com/user/emails',
  },
};

/** An identity provider Conductor can log users in with. */
export interface IdentityProviderConfig {
  name: 'google' | 'github';
  key: string;
  secret: string;
  authorizeUrl: string;
  accessUrl: string;
  profileUrl: string;
  emailsUrl?: string;
}

/**
 * Auth: the service's signing key (PEM or JWK, inline or as a file; `npm
 * start` generates one for development), token lifetimes, where login may
 * return to, identity providers (endpoints configurable, so tests and
 * self-hosted identity providers can stand in), permission providers and
 * life-cycle extensions.
 */
export const authConfigSchema = z
  .object({
    CONDUCTOR_SIGNING_KEY: z.string().optional(),
    CONDUCTOR_SIGNING_KEY_FILE: z.string().optional(),
    USER_TOKEN_TTL_SECONDS: count.default(14 * 24 * 3600),
    PERMISSION_TOKEN_TTL_SECONDS: count.min(1).optional(),
    CONDUCTOR_ALLOWED_ORIGINS: list.default([]),
    GOOGLE_KEY: z.string().optional(),
    GOOGLE_SECRET: z.string().optional(),
    GOOGLE_AUTHORIZE_URL: httpUrl.default(providerUrls.google.authorize),
    GOOGLE_ACCESS_URL: httpUrl.default(providerUrls.google.access),
    GOOGLE_PROFILE_URL: httpUrl.default(providerUrls.google.profile),
    GITHUB_KEY: z.string().optional(),
    GITHUB_SECRET: z.string().optional(),
    GITHUB_AUTHORIZE_URL: httpUrl.default(providerUrls.github.authorize),
    GITHUB_ACCESS_URL: httpUrl.default(providerUrls.github.access),
    GITHUB_PROFILE_URL: httpUrl.default(providerUrls.github.profile),
    GITHUB_EMAILS_URL: httpUrl.default(providerUrls.github.emails),
    CONDUCTOR_PERMISSION_PROVIDERS: z.string().default(''),
    CONDUCTOR_AUTH_EXTENSIONS: z.string().default(''),
    /** The development login (no password): on under `npm start`, never by default. */
    CONDUCTOR_LOCAL_LOGIN: z.enum(['0', '1', 'true', 'false']).default('0'),
    // Read here only to refuse the local login on a public address.
    CONDUCTOR_PUBLIC_URL: z.string().optional(),
  })
  .refine((env) => Boolean(env.CONDUCTOR_SIGNING_KEY) !== Boolean(env.CONDUCTOR_SIGNING_KEY_FILE), {
    message: 'set exactly one of CONDUCTOR_SIGNING_KEY (PEM/JWK text) or CONDUCTOR_SIGNING_KEY_FILE (path)',
    path: ['CONDUCTOR_SIGNING_KEY'],
  })
  .refine((env) => env.CONDUCTOR_ALLOWED_ORIGINS.every((origin) => /^https?:\/\/[^/]+$/.test(origin)), {
    message: 'must be origins like https://app.example.org (scheme and host, no path)',
    path: ['CONDUCTOR_ALLOWED_ORIGINS'],
  })
  .refine((env) => !['1', 'true'].includes(env.CONDUCTOR_LOCAL_LOGIN) || isLoopbackUrl(env.CONDUCTOR_PUBLIC_URL ?? 'http://localhost:8080'), {
    message: 'the local login (no password) is only for a loopback CONDUCTOR_PUBLIC_URL (localhost, 127.0.0.1, [::1])',
    path: ['CONDUCTOR_LOCAL_LOGIN'],
  })
  .transform((env) => {
    const providers: IdentityProviderConfig[] = [];
    if (env.GOOGLE_KEY && env.GOOGLE_SECRET) {
      providers.push({ name: 'google', key: env.GOOGLE_KEY, secret: env.GOOGLE_SECRET, authorizeUrl: env.GOOGLE_AUTHORIZE_URL, accessUrl: env.GOOGLE_ACCESS_URL, profileUrl: env.GOOGLE_PROFILE_URL });
    }
    if (env.GITHUB_KEY && env.GITHUB_SECRET) {
      providers.push({ name: 'github', key: env.GITHUB_KEY, secret: env.GITHUB_SECRET, authorizeUrl: env.GITHUB_AUTHORIZE_URL, accessUrl: env.GITHUB_ACCESS_URL, profileUrl: env.GITHUB_PROFILE_URL, emailsUrl: env.GITHUB_EMAILS_URL });
    }
    return {
      signingKey: env.CONDUCTOR_SIGNING_KEY,
      signingKeyFile: env.CONDUCTOR_SIGNING_KEY_FILE,
      lifetimes: { userSeconds: env.USER_TOKEN_TTL_SECONDS, permissionSeconds: env.PERMISSION_TOKEN_TTL_SECONDS },
      allowedOrigins: env.CONDUCTOR_ALLOWED_ORIGINS,
      providers,
      localLogin: ['1', 'true'].includes(env.CONDUCTOR_LOCAL_LOGIN),
      /** `service:module;…` — DataHQ's ALLOWED_SERVICES. */
      permissionProviders: parseList(env.CONDUCTOR_PERMISSION_PROVIDERS).map((entry) => {
        const at = entry.lastIndexOf(':');
        return at > 0 ? { service: entry.slice(0, at), module: entry.slice(at + 1) } : { service: entry, module: entry };
      }),
      /** `module;…` — DataHQ's INSTALLED_EXTENSIONS. */
      extensions: parseList(env.CONDUCTOR_AUTH_EXTENSIONS),
    };
  });

function isLoopbackUrl(text: string): boolean {
  try {
    const host = new URL(text).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}

function parseList(text: string): string[] {
  return text.split(';').map((item) => item.trim()).filter(Boolean);
}

export type AuthConfig = z.output<typeof authConfigSchema>;
