/**
 * The browser auth library in a real browser (Debian's headless Chromium,
 * driven by playwright-core): a web app on its own origin logs in through
 * Envoy and the local OAuth provider, shows the user's name, and gets a
 * permission token for os.datastore.
 */
import { createHash } from 'node:crypto';
import { importSPKI, jwtVerify } from 'jose';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
