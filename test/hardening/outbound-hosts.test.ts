import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../../packages/sandbox/src/index';
import { startTestApi, type TestApi } from '../api/helpers';

/**
 * Outbound calls go only to a connector's configured hosts: an `http` step aimed elsewhere is refused
 * before anything is sent, catalog calls cannot be pointed at another host through their inputs, and
 * redirects are never followed off-host. A loopback "trap" server counts every request that reaches it;
 * `.invalid` names never resolve, so a refused call could not have left the machine either way.
 */
let api: TestApi;
let sandbox: Sandbox;
let trap: Server;
let trapUrl = '';
let trapHits: string[] = [];
let redirector: Server;
let redirectorUrl = '';

const listen = (s: Server) => new Promise<string>((r) => s.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)));

beforeAll(async () => {
  trap = createServer((req, res) => {
    trapHits.push(`${req.method} ${req.url}`);
    res.end('{"trapped":true}');
  });
  trapUrl = await listen(trap);
  redirector = createServer((req, res) => {
    res.writeHead(302, { location: `${trapUrl}/stolen${req.url}` }).end();
  });
  redirectorUrl = await listen(redirector);
  sandbox = await createSandbox({ rateLimit: false, logLevel: 'silent' });
  api = await startTestApi();
  const hl = sandbox.credentials.highlevel;
  expect((await api.call('PATCH', '/api/environments/staging', { baseUrls: sandbox.baseUrls, bindings: { ghl: 'ghl-pit' } })).status).toBe(200);
  expect((await api.call('POST', '/api/credentials', { name: 'ghl-pit', type: 'highlevel-pit', secret: hl.privateIntegrationToken, meta: { locationId: hl.locationId } })).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await api?.close();
  await sandbox?.close();
  trap?.close();
  redirector?.close();
});

async function testRun(yaml: string) {
  const res = await api.call('POST', '/api/flows/test-runs-of-text/test-runs', { yaml });
  if (res.status === 404) {
    // Test runs belong to a stored flow: store a placeholder once, then run the text given here.
    expect((await api.call('POST', '/api/flows', { yaml: flow('  - id: noop\n    type: map\n    expression: "1"\n') })).status).toBe(201);
    return api.call('POST', '/api/flows/test-runs-of-text/test-runs', { yaml });
  }
  return res;
}

function flow(steps: string): string {
  return `apiVersion: splice/v1\nkind: Flow\nmetadata:\n  name: test-runs-of-text\ncredentials:\n  ghl: { connector: highlevel }\ntrigger:\n  type: manual\nsteps:\n${steps}`;
}


describe('outbound hosts', () => {
  it('refuses an http step aimed at a host outside the allow-list, before sending', async () => {
    trapHits = [];
    const res = await testRun(flow('  - id: exfiltrate\n    type: call\n    uses: http\n    with:\n      method: GET\n      url: http://splice-hardening.invalid/collect\n'));
    expect(res.status).toBeLessThan(500);
    const text = JSON.stringify(res.body);
    expect(res.body.status ?? res.body.error?.code, text).not.toBe('succeeded');
    expect(text).toMatch(/HOST_NOT_ALLOWED/);
    expect(text).not.toMatch(/ENOTFOUND|getaddrinfo/);
  });

  it('cannot point a catalog call at another host through its inputs', async () => {
    trapHits = [];
    const loc = sandbox.credentials.highlevel.locationId;
    for (const withBlock of [
      `      url: ${trapUrl}/x\n      params: { locationId: ${loc} }\n`,
      `      params: { locationId: "@127.0.0.1:${new URL(trapUrl).port}/x" }\n`,
      `      params: { locationId: "//127.0.0.1:${new URL(trapUrl).port}/x" }\n`,
      `      params: { locationId: ${loc} }\n      headers: { host: "127.0.0.1:${new URL(trapUrl).port}" }\n`,
    ]) {
      const res = await testRun(flow(`  - id: tags\n    type: call\n    uses: highlevel.v2.get-tags-location-id\n    credential: ghl\n    with:\n${withBlock}`));
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
    }
    expect(trapHits).toEqual([]);
  });

  it('refuses a base URL outside the connector hosts, or for an unknown connector, when it is configured', async () => {
    // A base URL's host is allowed for every outbound call, so it must not widen the allow-list.
    for (const [baseUrls, path] of [
      [{ highlevel: 'http://splice-hardening.invalid/highlevel' }, 'body.baseUrls.highlevel'],
      [{ payaca: 'https://api.payaca.com.splice-hardening.invalid/v1' }, 'body.baseUrls.payaca'],
      [{ exfil: 'http://splice-hardening.invalid' }, 'body.baseUrls.exfil'],
      [{ highlevel: 'ftp://127.0.0.1/x' }, 'body.baseUrls.highlevel'],
    ] as const) {
      const res = await api.call('PATCH', '/api/environments/production', { baseUrls });
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body.error.path).toBe(path);
    }
    const env = await api.call('GET', '/api/environments/production');
    expect(JSON.stringify(env.body.baseUrls)).not.toContain('invalid');
    expect((await api.call('PATCH', '/api/environments/production', { baseUrls: { highlevel: 'https://services.leadconnectorhq.com' } })).status).toBe(200);
  });

  it('does not follow redirects off-host, for http steps or catalog calls', async () => {
    trapHits = [];
    const hop = await testRun(flow(`  - id: hop\n    type: call\n    uses: http\n    with:\n      method: GET\n      url: ${redirectorUrl}/start\n`));
    // The redirector was reached (loopback is allowed) and its 302 came back as the answer, not followed.
    expect(hop.body.steps[0].attempts[0].response.status, JSON.stringify(hop.body)).toBe(302);
    expect((await api.call('PATCH', '/api/environments/staging', { baseUrls: { highlevel: `${redirectorUrl}/highlevel` } })).status).toBe(200);
    try {
      await testRun(flow('  - id: tags\n    type: call\n    uses: highlevel.v2.get-tags-location-id\n    credential: ghl\n    with: { params: { locationId: loc1 } }\n'));
    } finally {
      await api.call('PATCH', '/api/environments/staging', { baseUrls: sandbox.baseUrls });
    }
    expect(trapHits).toEqual([]);
  });
});
