/**
 * The browser auth library in a real browser (Debian's headless Chromium,
 * driven by playwright-core): a web app on its own origin logs in through
 * Envoy and the local OAuth provider, shows the user's name, and gets a
 * permission token for os.datastore.
 */
import { createHash, randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importSPKI, jwtVerify } from 'jose';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/stack/paths.ts';
import { createSearchClient } from '../../src/adapters/elasticsearch/client.ts';
import { packageIndexAlias } from '../../src/adapters/elasticsearch/package-index.ts';
import { launchChromium } from '../support/chromium.ts';
import { providerControl } from '../support/oauth-provider.ts';
import { uniqueUser } from '../support/login.ts';
import { testStack } from '../setup/test-stack.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

describe('auth library in Chromium', () => {
  it('logs in by redirect, shows the user, gets an os.datastore permission token, logs out', async () => {
    const user = uniqueUser();
    await providerControl.setNextUser(testStack().oauthProvider, 'google', user);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(testStack().appUrl);
    await page.waitForSelector('#status:text("anonymous")');

    await page.click('#login-redirect');
    await page.waitForSelector('#status:text("authenticated")');
    expect(await page.textContent('#name')).toBe(user.name);
    // The library took the token out of the address bar.
    expect(new URL(page.url()).searchParams.has('jwt')).toBe(false);

    await page.click('#authorize');
    await page.waitForSelector('#permissions:not(:empty)');
    expect(JSON.parse((await page.textContent('#permissions')) ?? '')).toEqual({ 'datapackage-upload': true });
    const token = (await page.textContent('#permission-token')) ?? '';
    const publicKey = await importSPKI(await (await fetch(`${testStack().gateway}/user/public-key`)).text(), 'RS256');
    const { payload } = await jwtVerify(token, publicKey, { typ: 'conductor-permission+jwt' });
    expect(payload).toMatchObject({ service: 'os.datastore', userid: createHash('md5').update(user.email).digest('hex') });

    await page.click('#logout');
    await page.waitForSelector('#status:text("anonymous")');
    await context.close();
  });

  it('logs in through a popup', async () => {
    const user = uniqueUser({ login: 'popup-user' });
    await providerControl.setNextUser(testStack().oauthProvider, 'github', user);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(testStack().appUrl);
    await page.waitForSelector('#status:text("anonymous")');
    const popupOpened = page.waitForEvent('popup');
    await page.click('#login-popup');
    await popupOpened;
    await page.waitForSelector('#status:text("authenticated")');
    expect(await page.textContent('#name')).toBe(user.name);
    await context.close();
  });
});

describe("the existing clients' pages, with the real AngularJS, ngStorage and jQuery", () => {
  it('an os-admin-shaped app (script tag) bootstraps on authClient.services, logs in, publishes with its permission token; an os-packager-shaped app ($.getScript) uploads and loads with it', async () => {
    const user = uniqueUser();
    const owner = createHash('md5').update(user.email).digest('hex');
    await providerControl.setNextUser(testStack().oauthProvider, 'google', user);
    const context = await browser.newContext();
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));

    await page.goto(`${testStack().appUrl}/os-admin.html`);
    // "anonymous" is written by the app's controller: AngularJS bootstrapped with authClient.services.
    await page.waitForSelector('#status:text("anonymous")');
    await page.click('#login');
    await page.waitForSelector('#status:text("authenticated")');
    expect(await page.textContent('#name')).toBe(user.name);
    await page.waitForSelector('#permission-token:not(:empty)');

    const datasetId = `${owner}:os-admin-${randomBytes(3).toString('hex')}`;
    const es = createSearchClient({ url: testStack().elasticsearchUrl });
    await es.index({ index: packageIndexAlias('conductor'), id: datasetId, refresh: true, document: { id: datasetId, loaded: true, package: { owner, title: datasetId, private: true } } });
    await page.fill('#dataset', datasetId);
    await page.click('#publish');
    await page.waitForSelector('#published:not(:empty)');
    expect(JSON.parse((await page.textContent('#published')) ?? '')).toEqual({ success: true, published: true });
    const document = await es.get<{ package: { private: boolean } }>({ index: packageIndexAlias('conductor'), id: datasetId });
    await es.close();
    expect(document._source?.package.private).toBe(false);

    // os-packager, same origin and so the same stored login.
    await page.goto(`${testStack().appUrl}/os-packager.html`);
    await page.waitForSelector('#status:text("authenticated")');
    const folder = join(import.meta.dirname, '..', 'fixtures', 'fdp', 'al-treasury-spending');
    const files = ['datapackage.json', 'data/treasury.csv'].map((path) => {
      const bytes = readFileSync(join(folder, path));
      return { path, length: bytes.length, md5: createHash('md5').update(bytes).digest('base64'), text: bytes.toString('utf8') };
    });
    // os-packager links to "Explore" and "Manage" as `<owner>:<name>`: the dataset id must be that.
    const packageName = `os-packager-${randomBytes(3).toString('hex')}`;
    await page.evaluate(
      ([packageName, packageFiles]) => {
        // (Runs in the page, where globalThis is its window.)
        const page = globalThis as unknown as { packageName: string; upload: (files: unknown) => Promise<void> };
        page.packageName = packageName as string;
        return page.upload(packageFiles);
      },
      [packageName, files] as const,
    );
    await page.waitForSelector('#upload-status:not(:empty)', { timeout: 60_000 });
    expect(await page.textContent('#upload-status')).toBe(`done 40 ${owner}:${packageName}`);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});


describe("os-packager's popup login", () => {
  it('completes when the popup ends on the app\'s /logged-in page, posts the jwt to its opener and closes: no focus event, no reload', async () => {
    const user = uniqueUser({ login: 'packager-popup' });
    await providerControl.setNextUser(testStack().oauthProvider, 'google', user);
    const context = await browser.newContext();
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${testStack().appUrl}/os-packager.html`);
    await page.waitForSelector('#status:text("anonymous")');

    const popupOpened = page.waitForEvent('popup');
    await page.click('#login');
    const popup = await popupOpened;
    await popup.waitForEvent('close', { timeout: 30_000 });
    await page.waitForSelector('#status:text("authenticated")', { timeout: 10_000 });
    expect(await page.textContent('#name')).toBe(user.name);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});

describe('the first ten minutes (README walk-through)', () => {
  it('local login in the browser, conductor load --follow with its progress, search, and the load in the Temporal UI by its readable id', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 800 } });
    const page = await context.newPage();
    await page.goto(testStack().appUrl);
    await page.waitForSelector('#status:text("anonymous")');
    await page.click('#login-local');
    // Conductor's local login page: a name and an email, no password.
    await page.fill('input[name=name]', 'Newcomer');
    const email = `newcomer-${randomBytes(3).toString('hex')}@example.test`;
    await page.fill('input[name=email]', email);
    await page.click('button[type=submit]');
    await page.waitForSelector('#status:text("authenticated")');
    expect(await page.textContent('#name')).toBe('Newcomer');
    const token = await page.evaluate(() => (globalThis as unknown as { localStorage: { getItem(key: string): string | null } }).localStorage.getItem('conductor.jwt'));
    expect(token).toBeTruthy();

    const folder = join(import.meta.dirname, '..', 'fixtures', 'fdp', 'eu-funds-absorption-rate-2007-2013');
    const load = await new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
      execFile(process.execPath, [join(repoRoot, 'dist', 'src', 'cli', 'conductor.js'), 'load', folder, '--follow'], { env: { PATH: process.env.PATH, CONDUCTOR_URL: testStack().gateway, CONDUCTOR_TOKEN: token ?? '' } }, (error, stdout, stderr) =>
        done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      ),
    );
    expect(load.code, load.stderr).toBe(0);
    expect(load.stderr).toMatch(/rows \| \d+ rows\/s \| done/);
    const datasetId = /^done: \d+ rows in (\S+)$/m.exec(load.stdout)?.[1] ?? '';
    expect(datasetId).toMatch(/^[0-9a-f]{32}:eu-funds-absorption-rate-2007-2013$/);

    const owner = createHash('md5').update(email).digest('hex');
    const found = (await (await fetch(`${testStack().gateway}/search/package?package.owner=${encodeURIComponent(JSON.stringify(owner))}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { id: string }[];
    expect(found.map((item) => item.id)).toEqual([datasetId]);

    await page.goto(`${testStack().temporalUi}/namespaces/default/workflows`);
    await page.waitForSelector(`text=load:${datasetId}`, { timeout: 30_000 });
    mkdirSync(testStack().logDir, { recursive: true });
    await page.screenshot({ path: join(testStack().logDir, 'temporal-ui.png') });
    if (process.env.CONDUCTOR_UPDATE_SCREENSHOT) await page.screenshot({ path: join(repoRoot, 'docs', 'temporal-ui.png') });
    await context.close();
  });
});
