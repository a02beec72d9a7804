import type { Logger } from '../logger.js';

/** What an auth extension module is given when it is loaded. */
export interface ExtensionContext {
  logger: Logger;
  /** The process environment, for the extension's own settings. */
  env: Record<string, string | undefined>;
}
