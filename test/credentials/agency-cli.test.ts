import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialStore } from '../../packages/server/src/credentials/index';
import { createSandbox, type Sandbox } from '../../packages/sandbox/src/sandbox';
import { runCli, runCliToEnd } from '../support/in-process-cli';
import { highLevelLoginArgs, printedInstallUrl, runCliProcess, tempDataDir } from './helpers';

/**
 * The CLI side of agency connections: `splice auth login highlevel --agency` (the consent page's agency
 * approval), `splice credentials locations list|sync|add|remove`, `credentials test --location`. What
 * the CLI prints names locations and token states, never a token or a client secret.
 */
let sandbox: Sandbox;
const data = tempDataDir();
const printed: string[] = [];

beforeAll(async () => {
  sandbox = await createSandbox({ rateLimit: false });
});
afterAll(async () => {
  await sandbox?.close();
  data.cleanup();
});

async function secrets(): Promise<string[]> {
  const store = await CredentialStore.open({ dataDir: data.dir });
  try {
    return await store.secretValues();
  } finally {
    await store.close();
  }
}

describe('splice auth login highlevel --agency', () => {
  it('approves for the agency, stores a highlevel-agency connection and prints the installed locations by name', async () => {
    process.env.TEST_GHL_CLIENT_SECRET = sandbox.credentials.highlevel.oauth.clientSecret;
    const cli = runCli([
      ...highLevelLoginArgs({
        name: 'ghl-agency',
        baseUrl: sandbox.highlevel.url,
        dataDir: data.dir,
        app: { clientId: sandbox.credentials.highlevel.oauth.clientId, clientSecretEnv: 'TEST_GHL_CLIENT_SECRET', scopes: 'socialplanner/tag.readonly oauth.readonly oauth.write' },
      }),
      '--agency',
    ]);
    const installUrl = new URL(await printedInstallUrl(cli));
    expect(cli.out.join('')).toContain('approve the app for the agency');
    installUrl.searchParams.set('approve_agency', '1');
    const approved = await fetch(installUrl, { redirect: 'manual' });
    const callback = await fetch(approved.headers.get('location')!);
    expect(await callback.text()).toContain('serving 3 installed location(s)');
    expect(await cli.done).toBe(0);
    const out = cli.text();
    printed.push(out);
    expect(out).toContain('user type: Company');
    for (const l of sandbox.credentials.highlevel.locations) expect(out).toContain(`${l.name} (${l.id})`);
  });

  it('locations list/sync show names and token states; test --location uses that location’s token', async () => {
    const loc = sandbox.credentials.highlevel.locations[2]!;
    const test = await runCliToEnd(['credentials', 'test', 'ghl-agency', '--location', loc.id, '--base-url', sandbox.highlevel.url, '--data-dir', data.dir]);
    printed.push(test.out + test.err);
    expect(test.code, test.err).toBe(0);
    expect(test.out).toContain(`/social-media-posting/${loc.id}/tags`);
    const list = await runCliToEnd(['credentials', 'locations', 'list', 'ghl-agency', '--data-dir', data.dir]);
    printed.push(list.out);
    expect(list.out).toMatch(new RegExp(`${loc.name}\\s+${loc.id}\\s+installed\\s+valid until`));
    expect(list.out).toMatch(/none yet \(obtained at the first call\)/);

    sandbox.admin.highlevel.agency.addLocation({ name: 'Sync Test Roofing' });
    const sync = await runCliToEnd(['credentials', 'locations', 'sync', 'ghl-agency', '--data-dir', data.dir]);
    printed.push(sync.out);
    expect(sync.code, sync.err).toBe(0);
    expect(sync.out).toContain('4 installed location(s); added 1, removed 0');
    expect(sync.out).toContain('Sync Test Roofing');
  });

  it('a group of private integration tokens: add (token from stdin), list, remove', async () => {
    const [a, b] = sandbox.credentials.highlevel.locations;
    const add = await runCliProcess(
      ['credentials', 'add', 'ghl-pits', '--kind', 'highlevel-pit-locations', '--token-stdin', '--location-id', a!.id, '--location-name', a!.name, '--data-dir', data.dir],
      { input: a!.privateIntegrationToken },
    );
    expect(add.status, add.stderr).toBe(0);
    const more = await runCliProcess(['credentials', 'locations', 'add', 'ghl-pits', '--location-id', b!.id, '--location-name', b!.name, '--token-stdin', '--data-dir', data.dir], {
      input: b!.privateIntegrationToken,
    });
    expect(more.status, more.stderr).toBe(0);
    printed.push(add.stdout, more.stdout, add.stderr, more.stderr);
    expect(more.stdout).toMatch(new RegExp(`${b!.name}\\s+${b!.id}\\s+installed\\s+stored`));
    const test = await runCliToEnd(['credentials', 'test', 'ghl-pits', '--location', b!.id, '--base-url', sandbox.highlevel.url, '--data-dir', data.dir]);
    expect(test.code, test.err).toBe(0);
    const rm = await runCliToEnd(['credentials', 'locations', 'remove', 'ghl-pits', a!.id, '--data-dir', data.dir]);
    expect(rm.out).toContain(`removed location ${a!.id}`);
    const list = await runCliToEnd(['credentials', 'locations', 'list', 'ghl-pits', '--data-dir', data.dir]);
    expect(list.out).not.toContain(a!.id);
  });

  it('no token or client secret ever reached the CLI output', async () => {
    const values = await secrets();
    expect(values.length).toBeGreaterThanOrEqual(5); // client secret, company access + refresh token, a location token, a PIT
    const all = printed.join('\n');
    for (const v of [...values, sandbox.credentials.highlevel.oauth.clientSecret]) expect(all).not.toContain(v);
  });
});
