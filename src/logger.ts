import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Structured JSON logs, one object per line. */
export function createLogger(level: string, name: string): Logger {
  return pino({ level, name, base: { service: name } });
}
