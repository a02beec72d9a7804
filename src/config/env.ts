import { z } from 'zod';

/** Environment variables as read by every component's schema. */
export type Env = Record<string, string | undefined>;

/** A TCP port number given as text. */
export const port = z.coerce.number().int().min(0).max(65535);

/** A whole number of bytes, seconds, items… given as text. */
export const count = z.coerce.number().int().min(0);

/** A comma-separated list; blanks dropped. */
export const list = z.string().transform((text) => text.split(',').map((item) => item.trim()).filter(Boolean));

/** An http(s) URL without trailing slash. */
export const httpUrl = z
  .string()
  .url()
  .refine((text) => /^https?:\/\//.test(text), 'must be an http:// or https:// URL')
  .transform((text) => text.replace(/\/+$/, ''));

/** Configuration that cannot start the service; lists every problem at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses one component's variables; problems are collected, not thrown one by one. */
export function parseSection<Schema extends z.ZodType>(schema: Schema, env: Env, problems: string[]): z.output<Schema> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const variable = issue.path.join('.');
    problems.push(`${variable}: ${issue.message}${env[variable] === undefined ? ' (not set)' : ''}`);
  }
  return undefined as z.output<Schema>;
}
