import type { IdentityProviderConfig } from '../../config/auth.config.js';
import type { ProviderProfile } from '../../core/auth/users.service.js';

/** What a provider's profile endpoint returned (shape differs by provider). */
type RawProfile = Record<string, unknown>;

/** Scopes to ask each provider for: enough to read a verified email address. */
export const providerScopes: Record<IdentityProviderConfig['name'], string[]> = {
  google: ['openid', 'email', 'profile'],
  github: ['read:user', 'user:email'],
};

/**
 * Turns a provider's profile into Conductor's terms. GitHub's profile email is
 * not necessarily verified, so its verified primary address is read from the
 * emails endpoint with the access token.
 */
export async function toProviderProfile(provider: IdentityProviderConfig, raw: RawProfile, accessToken: string): Promise<ProviderProfile> {
  if (provider.name === 'google') {
    return {
      provider: 'google',
      providerId: text(raw.sub),
      name: text(raw.name),
      email: text(raw.email),
      emailVerified: raw.email_verified === true || raw.email_verified === 'true',
      avatarUrl: text(raw.picture),
    };
  }
  const emails = provider.emailsUrl ? await fetchJson(provider.emailsUrl, accessToken) : [];
  const primary = Array.isArray(emails)
    ? (emails as RawProfile[]).find((entry) => entry.primary === true && entry.verified === true)
    : undefined;
  return {
    provider: 'github',
    providerId: text(raw.id),
    name: text(raw.name) || text(raw.login),
    email: text(primary?.email),
    emailVerified: Boolean(primary),
    avatarUrl: text(raw.avatar_url),
  };
}

async function fetchJson(url: string, accessToken: string): Promise<unknown> {
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json', 'user-agent': 'conductor' },
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.json();
}

function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value).slice(0, 2000) : '';
}
