import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CredentialStore } from '../../packages/server/src/credentials/credential-store';
import { collectPageErrors, launchBrowser, screenshot } from './support/browser';
import { startStack, type Stack } from './support/stack';

/**
 * Connecting a HighLevel agency from the editor's Credentials page, in headless Chromium: the agency form
 * starts a Company install, the sandbox's consent page opens in a new window, "Approve for the agency"
 * sends the browser to /oauth/callback, which stores the agency connection and reads its installed
 * locations. The Credentials page then lists the three demo locations by name with each one's token
 * state; runs of one flow for two of them are told apart on the Runs screen by location name. No token
 * reaches the page.
 */
let stack: Stack;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
let pageErrors: string[];

const FLOW = `apiVersion: splice/v1
kind: Flow
metadata:
  name: agency-tags-browser
credentials:
  highlevel: { connector: highlevel }
trigger:
  type: manual
  input: { type: object, required: [locationId], properties: { locationId: { type: string } } }
steps:
  - id: getTags
    type: call
    uses: highlevel.get-tags-location-id
    credential: highlevel
    with:
      params:
        locationId: =$event.locationId
`;

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

describe('connect a HighLevel agency from the Credentials page', () => {
  it('consent page (agency approval) → the connection lists the three demo locations by name', async () => {
    const { oauth, locations } = stack.sandbox.credentials.highlevel;
    await page.goto(`${stack.url}/#token=${stack.token}`);
    await page.getByRole('link', { name: 'Credentials' }).click();
    await page.getByRole('button', { name: 'Connect HighLevel agency' }).click();
    const form = page.getByRole('form', { name: 'Connect a HighLevel agency by OAuth' });
    await form.getByLabel('Name').fill('ghl-agency');
    await form.getByLabel('App client id').fill(oauth.clientId);
    await form.getByLabel('App client secret').fill(oauth.clientSecret);
    const [consent] = await Promise.all([page.waitForEvent('popup'), form.getByRole('button', { name: 'Open consent page' }).click()]);
    await consent.waitForLoadState();
    await screenshot(consent, '30-agency-consent');
    await consent.getByRole('button', { name: 'Approve for the agency' }).click();
    await consent.getByTestId('oauth-result').waitFor();
    expect(await consent.getByTestId('oauth-result').textContent()).toBe('HighLevel is connected');
    expect(await consent.textContent('body')).toContain('serving 3 installed location(s)');
    await consent.close();

    const row = page.getByTestId('credential-ghl-agency');
    await row.waitFor({ timeout: 15_000 });
    const list = page.getByTestId('locations-ghl-agency');
    await expect.poll(() => list.textContent(), { timeout: 15_000 }).toContain('Serves 3 locations');
    for (const l of locations) {
      const loc = list.getByTestId(`location-${l.id}`);
      expect(await loc.textContent()).toContain(l.name);
      expect(await loc.textContent()).toContain('none yet (obtained at the first call)');
    }
    expect(await row.textContent()).toContain('highlevel-agency');
    await screenshot(page, '31-agency-connected');
  });

  it('runs of one flow for two locations: each location’s token shows valid, and the Runs screen filters by location name', async () => {
    const { locations } = stack.sandbox.credentials.highlevel;
    await stack.api('POST', '/flows', { yaml: FLOW });
    await stack.api('PATCH', '/environments/staging', { bindings: { highlevel: 'ghl-agency' } });
    await stack.api('POST', '/flows/agency-tags-browser/activate');
    const [a, b] = [locations[0]!, locations[2]!];
    for (const l of [a, b]) await stack.api('POST', '/flows/agency-tags-browser/runs', { payload: { locationId: l.id }, environment: 'staging' });
    const runs = async () => (await stack.api<{ runs: Array<{ status: string }> }>('GET', '/runs?flow=agency-tags-browser')).runs;
    await expect.poll(async () => (await runs()).filter((r) => r.status === 'succeeded').length, { timeout: 30_000 }).toBe(2);

    // The Credentials page shows the two locations' tokens as valid (polled every few seconds).
    const list = page.getByTestId('locations-ghl-agency');
    await expect.poll(() => list.getByTestId(`location-${a.id}`).textContent(), { timeout: 15_000 }).toContain('valid until');
    expect(await list.getByTestId(`location-${b.id}`).textContent()).toContain('valid until');
    expect(await list.getByTestId(`location-${locations[1]!.id}`).textContent()).toContain('none yet');

    await page.getByRole('link', { name: 'Runs' }).first().click();
    const select = page.getByLabel('Location');
    expect(await select.locator('option').allTextContents()).toEqual(expect.arrayContaining([a.name, b.name, locations[1]!.name]));
    await select.selectOption({ label: b.name });
    await expect.poll(() => page.getByTestId('run-location').allTextContents()).toEqual([b.name]);
    await screenshot(page, '32-runs-by-location');

    // Nothing secret reached the page: no company token, no location token.
    const store = stack.server.ctx.stores.credentials as CredentialStore;
    const id = (await store.get('ghl-agency')).id;
    const secrets = [(await store.readActive('ghl-agency')).secret.accessToken!, ...(await store.locations.tokenValues())];
    expect(secrets.length).toBe(3);
    const html = await page.content();
    for (const s of secrets) expect(html).not.toContain(s);
    expect((await store.locations.list(id)).filter((l) => l.hasToken).length).toBe(2);
    expect(pageErrors).toEqual([]);
  });
});
