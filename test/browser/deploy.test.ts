import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, launchBrowser, screenshot } from './support/browser';
import { startStack, type Stack } from './support/stack';

/**
 * Save vs deploy in the editor, in headless Chromium against the real server and sandbox: the draft vs
 * live state per environment, confirmations before activating and deploying, "Run now" running the
 * deployed revision (and, once deployed from the editor, the new one), every run linking to the YAML of
 * the revision that ran, and production's promotion gate refusing with its reasons shown.
 */
const FLOW = 'location-tags-into-payaca';

let stack: Stack;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  stack = await startStack();
  const { highlevel: hl, payaca: py } = stack.sandbox.credentials;
  await stack.api('POST', '/credentials', { name: 'sandbox-highlevel', type: 'highlevel-pit', secret: hl.privateIntegrationToken, meta: { locationId: hl.locationId } });
  await stack.api('POST', '/credentials', { name: 'sandbox-payaca', type: 'payaca-api-key', secret: { clientId: py.clientId, clientSecret: py.clientSecret } });
  await stack.api('PATCH', '/environments/staging', { bindings: { highlevel: 'sandbox-highlevel', payaca: 'sandbox-payaca' } });
  await stack.api('POST', `/templates/${FLOW}/import`, {});
  browser = await launchBrowser();
  page = await browser.context.newPage();
  pageErrors = collectPageErrors(page);
  await page.goto(`${stack.url}/#token=${stack.token}`);
  await page.getByRole('link', { name: 'Flows' }).waitFor();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const dialog = () => page.getByRole('dialog');
const stagingState = () => page.getByTestId('deploy-state-staging').textContent();
/** Waits for the run detail screen of a run to show it finished, and answers the run as the API has it. */
async function finishedRun(): Promise<{ runId: string; revision: number; steps: Array<{ id: string }> }> {
  await page.getByTestId('run-revision').waitFor({ timeout: 15_000 });
  const runId = /#\/runs\/([^/?]+)/.exec(page.url())![1]!;
  await expect.poll(async () => (await stack.api<{ status: string }>('GET', `/runs/${runId}`)).status, { timeout: 30_000 }).toBe('succeeded');
  return stack.api('GET', `/runs/${runId}`);
}
async function openFlow(): Promise<void> {
  await page.goto(`${stack.url}/#/flows/${FLOW}`);
  await page.getByTestId('deploy-bar').waitFor();
  await page.getByTestId('node-getTags').waitFor();
}

describe('save vs deploy in the editor', () => {
  it('shows that nothing is deployed, and asks before activating and running', async () => {
    await openFlow();
    await expect.poll(stagingState).toContain('nothing deployed');
    expect(await page.getByTestId('flow-id').textContent()).toContain(FLOW);
    await page.getByTestId('run-now').click();
    await expect.poll(() => dialog().getByRole('heading').textContent()).toBe(`Activate “Location tags into Payaca” and run it in staging?`);
    await screenshot(page, 'deploy-01-activate-question');
    await dialog().getByTestId('choice-activate-and-run').click();
    const run = await finishedRun();
    expect(run.revision).toBe(1);
    expect(await page.getByTestId('run-revision').textContent()).toBe('revision 1 (staging)');
  });

  it('a save is a draft: the bar says revision 2 is not deployed, and Run now offers the deployed revision 1', async () => {
    await openFlow();
    await page.locator('.react-flow__node[data-id="writeCustomField"]').click();
    await page.keyboard.press('Delete');
    await expect.poll(() => page.getByTestId('node-writeCustomField').count()).toBe(0);
    await expect.poll(stagingState).toContain('unsaved changes');
    await page.getByTestId('save').click();
    await expect.poll(stagingState).toBe('staging r1 deployed · r2 saved, not deployed');
    expect(await page.getByTestId('live-target').textContent()).toBe('triggers run staging r1');
    await screenshot(page, 'deploy-02-draft-ahead');

    await page.getByTestId('run-now').click();
    await expect.poll(() => dialog().getByRole('heading').textContent()).toBe('Run revision 1, or deploy your changes first?');
    await dialog().getByTestId('choice-run-deployed').click();
    const run = await finishedRun();
    expect(run.revision).toBe(1);
    // Revision 1 still has the deleted step (it ran, skipped by its `when`).
    expect(run.steps.map((s) => s.id)).toContain('writeCustomField');
  });

  it('Deploy (confirmed) puts revision 2 live, Run now runs it, and the run links to its YAML', async () => {
    await openFlow();
    await page.getByTestId('deploy').click();
    await expect.poll(() => dialog().getByRole('heading').textContent()).toBe('Deploy revision 2 to Staging (sandbox)?');
    await screenshot(page, 'deploy-03-deploy-question');
    await dialog().getByTestId('choice-deploy').click();
    await expect.poll(stagingState).toBe('staging r2 deployed · up to date');
    await expect.poll(() => page.getByTestId('deploy').isDisabled()).toBe(true);
    await screenshot(page, 'deploy-04-deployed');

    await page.getByTestId('run-now').click();
    const run = await finishedRun();
    expect(run.revision).toBe(2);
    expect(run.steps.map((s) => s.id)).not.toContain('writeCustomField');
    expect(await page.getByTestId('run-revision').textContent()).toBe('revision 2 (staging)');
    await expect.poll(() => page.getByTestId('step-record-setProjectTags').textContent(), { timeout: 15_000 }).toContain('succeeded');
    await screenshot(page, 'deploy-05-run-of-revision-2');

    await page.getByTestId('run-revision').click();
    await page.getByTestId('revision-screen').waitFor();
    await expect.poll(() => page.getByTestId('revision-yaml').textContent()).toContain('id: setProjectTags');
    expect(await page.getByTestId('revision-yaml').textContent()).not.toContain('writeCustomField');
    expect(await page.getByTestId('revision-deployed-staging').textContent()).toBe('deployed to Staging (sandbox)');
    await screenshot(page, 'deploy-06-revision-yaml');
  });

  it('Deploy to production goes through the promotion gate and shows why it was refused', async () => {
    await openFlow();
    await page.getByLabel('Environment').selectOption('production');
    await expect.poll(() => page.getByTestId('deploy').textContent()).toBe('Deploy to production');
    await page.getByTestId('deploy').click();
    await expect.poll(() => dialog().textContent()).toContain('the flow’s tests pass');
    await dialog().getByTestId('choice-deploy').click();
    const problems = page.getByTestId('deploy-problems');
    await problems.waitFor({ timeout: 30_000 });
    // Production binds no credentials yet: the gate names them and production keeps nothing deployed.
    await expect.poll(() => problems.textContent()).toMatch(/Revision 2 was not deployed to Production.*does not validate against production/);
    expect(await page.getByTestId('deploy-issues').textContent()).toMatch(/highlevel|payaca/);
    expect((await stack.api<{ flow: { deployed: Record<string, number> } }>('GET', `/flows/${FLOW}`)).flow.deployed).toEqual({ staging: 2 });
    await screenshot(page, 'deploy-07-production-refused');
  });

  it('had no uncaught page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
