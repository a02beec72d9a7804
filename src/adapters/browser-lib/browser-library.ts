import { readFile } from 'node:fs/promises';

/**
 * The browser auth client served at /user/lib. It is plain JavaScript next
 * to this file (the build copies it to dist/ with allowJs).
 */
export function readBrowserLibrary(): Promise<Buffer> {
  return readFile(new URL('./auth-client.browser.js', import.meta.url));
}
