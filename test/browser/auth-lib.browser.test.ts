/**
 * The browser auth library in a real browser (Debian's headless Chromium,
 * driven by playwright-core): a web app on its own origin logs in through
 * Envoy and the local OAuth provider, shows the user's name, and gets a
 * permission token for os.datastore.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importSPKI, jwtVerify } from 'jose';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSearchClient } from '../../src/adapters/elasticsearch/client.ts';
import { packageIndexAlias } from '../../src/adapters/elasticsearch/package-index.ts';
import { providerControl } from '../support/oauth-provider.ts';
import { uniqueUser } from '../support/login.ts';
import { testStack } from '../setup/test-stack.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    // Flags that keep Chromium off the network it cannot reach here.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
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
    await page.evaluate(
      ([packageName, packageFiles]) => {
        // (Runs in the page, where globalThis is its window.)
        const page = globalThis as unknown as { packageName: string; upload: (files: unknown) => Promise<void> };
        page.packageName = packageName as string;
        return page.upload(packageFiles);
      },
      [`os-packager-${randomBytes(3).toString('hex')}`, files] as const,
    );
    await page.waitForSelector('#upload-status:not(:empty)', { timeout: 60_000 });
    expect(await page.textContent('#upload-status')).toBe('done 40');
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});

