import { readFile } from 'node:fs/promises';

/**
 * The browser auth client served at /user/lib: auth-client.browser.js (an
 * ES module, so Node tests can import it) turned into a classic script,
 * because os-admin and os-packager load it with `<script src>` and jQuery's
 * `$.getScript`, where `export` and `import.meta` are syntax errors. The
 * wrapping drops the `export` keywords, takes the script's own URL from
 * `document.currentScript`, and publishes `window.conductorAuth`.
 */
export async function readBrowserLibrary(): Promise<Buffer> {
  const source = await readFile(new URL('./auth-client.browser.js', import.meta.url), 'utf8');
  return Buffer.from(classicScriptOf(source));
}

export function classicScriptOf(moduleSource: string): string {
  const body = moduleSource
    .replace('const scriptUrl = import.meta.url;', 'const scriptUrl = (document.currentScript && document.currentScript.src) || location.href;')
    .replace(/^export (function|const|class) /gm, '$1 ');
  if (/\bexport\b|import\.meta/.test(body.replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, ''))) throw new Error('auth-client.browser.js has an export or import.meta the classic-script wrapping does not handle');
  return `(function () {\n'use strict';\n${body}\nwindow.conductorAuth = { createAuthClient: createAuthClient, installAngularModule: installAngularModule, client: createAuthClient() };\ninstallWhenAngularArrives(window);\n})();\n`;
}
