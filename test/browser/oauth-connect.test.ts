import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CredentialStore } from '../../packages/server/src/credentials/credential-store';
import { collectPageErrors, launchBrowser, screenshot } from './support/browser';
import { startStack, type Stack } from './support/stack';

/**
 * Connecting HighLevel by OAuth from the editor's Credentials page, in headless Chromium: the form starts
 * the install through the API, the sandbox's consent page opens in a new window, approving a location
 * sends the browser to the server's /oauth/callback, which exchanges the code and stores the tokens; the
 * Credentials page then lists the connection with its granted scopes. No token text reaches the page.
 */
let stack: Stack;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  stack = await startStack();
  browser = await launchBrowser();
  page = await browser.context.newPage();
  pageErrors = collectPageErrors(page);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('connect HighLevel by OAuth from the Credentials page', () => {
  it('consent page → /oauth/callback → a stored connection whose scopes show in the list', async () => {
    const oauth = stack.sandbox.credentials.highlevel.oauth;
    const location = stack.sandbox.credentials.highlevel.locations[1]!;
    const exchangesBefore = stack.sandbox.highlevel.admin.requests({ route: 'POST /oauth/token' }).length;
    await page.goto(`${stack.url}/#token=${stack.token}`);
    await page.getByRole('link', { name: 'Credentials' }).click();
    await page.getByRole('button', { name: 'Connect HighLevel (OAuth)' }).click();
    const form = page.getByRole('form', { name: 'Connect HighLevel by OAuth' });
    await form.getByLabel('Name').fill('ghl-oauth');
    await form.getByLabel('App client id').fill(oauth.clientId);
    await form.getByLabel('App client secret').fill(oauth.clientSecret);
    // The scopes offered are HighLevel's real ones (a made-up scope makes the consent page refuse the app).
    expect(await form.getByLabel('socialplanner/tag.write').count()).toBe(0);
    expect(await form.getByLabel('socialplanner/statistics.readonly').isChecked()).toBe(true);
    // Ask for two scopes only: the stored connection must show exactly what was granted.
    for (const s of ['socialplanner/account.readonly', 'socialplanner/post.readonly']) await form.getByLabel(s).uncheck();
    const [consent] = await Promise.all([page.waitForEvent('popup'), form.getByRole('button', { name: 'Open consent page' }).click()]);
    await consent.waitForLoadState();
    expect(consent.url()).toContain(`${stack.sandbox.baseUrls.highlevel}/oauth/chooselocation?`);
    expect(await consent.getByRole('heading', { level: 1 }).textContent()).toBe('Choose a location');
    await screenshot(consent, '20-oauth-consent');

    await consent.getByRole('listitem').filter({ hasText: location.name }).getByRole('button', { name: 'Approve' }).click();
    await consent.getByTestId('oauth-result').waitFor();
    expect(new URL(consent.url()).pathname).toBe('/oauth/callback');
    expect(await consent.getByTestId('oauth-result').textContent()).toBe('HighLevel is connected');
    const callbackText = (await consent.textContent('body')) ?? '';
    expect(callbackText).toContain(`Connected ghl-oauth to location ${location.id}`);
    await screenshot(consent, '21-oauth-callback');
    await consent.close();
    expect(stack.sandbox.highlevel.admin.requests({ route: 'POST /oauth/token' }).length).toBe(exchangesBefore + 1);

    // The Credentials page notices the new connection by itself and lists it with the granted scopes.
    const row = page.getByTestId('credential-ghl-oauth');
    await row.waitFor({ timeout: 15_000 });
    expect(await row.textContent()).toContain('HighLevel OAuth 2.0 app connection'); // the kind in words, its id below
    expect(await row.textContent()).toContain('highlevel-oauth');
    const scopes = await row.locator('.badge.scope').allTextContents();
    expect(scopes.sort()).toEqual(['socialplanner/statistics.readonly', 'socialplanner/tag.readonly']);
    await screenshot(page, '22-oauth-connected');

    // Stored encrypted: the access token works against the sandbox but never reaches the browser.
    const store = stack.server.ctx.stores.credentials as CredentialStore;
    const active = await store.readActive('ghl-oauth');
    expect(active.info.meta.locationId).toBe(location.id);
    expect(active.secret.accessToken).toBeTruthy();
    expect(await page.content()).not.toContain(active.secret.accessToken!);
    expect(callbackText).not.toContain(active.secret.accessToken!);
    const tags = await fetch(`${stack.sandbox.highlevel.url}/social-media-posting/${location.id}/tags`, {
      headers: { Authorization: `Bearer ${active.secret.accessToken}`, Version: '2021-07-28' },
    });
    expect(tags.status).toBe(200);
  });

  it('a connection HighLevel stopped accepting shows a banner; Reconnect goes through the consent page again', async () => {
    const store = stack.server.ctx.stores.credentials as CredentialStore;
    // What the token refresher records when HighLevel answers invalid_grant.
    await store.markNeedsReconnect('ghl-oauth', 'the refresh token was rejected');
    // Leave and come back: the Credentials page loads the list when it opens.
    await page.getByRole('link', { name: 'Flows' }).click();
    await page.getByRole('link', { name: 'Credentials' }).click();
    await page.getByTestId('reconnect-banner').waitFor();
    const row = page.getByTestId('credential-ghl-oauth');
    await expect.poll(() => row.textContent()).toContain('needs_reconnect');
    await row.getByRole('button', { name: 'Reconnect' }).click();
    const form = page.getByRole('form', { name: 'Connect HighLevel by OAuth' });
    expect(await form.getByLabel('Name').inputValue()).toBe('ghl-oauth');
    const oauth = stack.sandbox.credentials.highlevel.oauth;
    await form.getByLabel('App client id').fill(oauth.clientId);
    await form.getByLabel('App client secret').fill(oauth.clientSecret);
    const [consent] = await Promise.all([page.waitForEvent('popup'), form.getByRole('button', { name: 'Open consent page' }).click()]);
    await consent.getByRole('listitem').first().getByRole('button', { name: 'Approve' }).click();
    await consent.getByTestId('oauth-result').waitFor();
    expect(await consent.getByTestId('oauth-result').textContent()).toBe('HighLevel is connected');
    // A new version of the same credential, active again; the banner goes away.
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain('active');
    expect(await page.getByTestId('reconnect-banner').count()).toBe(0);
    expect((await store.get('ghl-oauth')).activeVersion).toBe(2);
    await consent.close();
  });

  it('a callback with an unknown state is refused with a page that says how to start again', async () => {
    const res = await fetch(`${stack.url}/oauth/callback?code=abc&state=not-issued-here`);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('HighLevel could not be connected');
    expect(html).toContain('Start the connection again from the Credentials page.');
    expect(await (stack.server.ctx.stores.credentials as CredentialStore).list()).toEqual(
      expect.not.arrayContaining([expect.objectContaining({ name: 'abc' })]),
    );
  });

  it('had no uncaught page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
