import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectorRegistry } from '../../packages/connectors/src/index';
import { createHttpSender } from '../../packages/runtime/src/actions/http-sender';
import { createEngine, parseFlow, validateFlow, type ActionContext } from '../../packages/runtime/src/index';
import {
  CredentialStore,
  TokenRefresher,
  createScopeCheckingSender,
  createStoreCredentialResolver,
  deriveFlowScopes,
  loadCredentialScopeCheck,
} from '../../packages/server/src/credentials/index';
import { createSandbox, type Sandbox } from '../../packages/sandbox/src/sandbox';
import { tempDataDir } from './helpers';

const FLOW = `apiVersion: splice/v1
kind: Flow
metadata:
  name: tags-to-payaca
credentials:
  ghl:
    connector: highlevel
trigger:
  type: manual
steps:
  - id: fetchPosts
    type: call
    uses: highlevel.get-posts
    credential: ghl
    with:
      params:
        locationId: loc_1
      body:
        skip: "0"
        limit: "10"
        fromDate: "2024-01-01T00:00:00.000Z"
        toDate: "2030-01-01T00:00:00.000Z"
        includeUsers: "false"
  - id: fetchTags
    type: call
    uses: highlevel.get-tags-location-id
    credential: ghl
    with:
      params:
        locationId: loc_1
`;

let sandbox: Sandbox;
let store: CredentialStore;
const data = tempDataDir();
const actions = createConnectorRegistry();

beforeAll(async () => {
  sandbox = await createSandbox({ rateLimit: false });
  store = await CredentialStore.open({ dataDir: data.dir });
  // The sandbox's PIT has every scope; the stored credential says which ones it was created with.
  await store.add({
    name: 'ghl-main',
    kind: 'highlevel-pit',
    values: { token: sandbox.credentials.highlevel.privateIntegrationToken, locationId: sandbox.credentials.highlevel.locationId },
    scopes: ['socialplanner/post.readonly'],
  });
  await store.add({
    name: 'ghl-full',
    kind: 'highlevel-pit',
    values: { token: sandbox.credentials.highlevel.privateIntegrationToken, locationId: sandbox.credentials.highlevel.locationId },
    scopes: ['socialplanner/post.readonly', 'socialplanner/tag.readonly'],
  });
});
afterAll(async () => {
  await store?.close();
  await sandbox?.close();
  data.cleanup();
});

describe('flow scopes', () => {
  it('derives the scopes a flow needs from its call steps (catalog operations)', () => {
    const parsed = parseFlow(FLOW, { file: 'tags.flow.yaml' });
    expect(deriveFlowScopes(parsed.flow!, actions)).toEqual([
      { stepId: 'fetchPosts', path: ['steps', 0], uses: 'highlevel.get-posts', credential: 'ghl', scope: 'socialplanner/post.readonly', namesResource: true },
      {
        stepId: 'fetchTags',
        path: ['steps', 1],
        uses: 'highlevel.get-tags-location-id',
        credential: 'ghl',
        scope: 'socialplanner/tag.readonly',
        namesResource: true,
      },
    ]);
  });

  it('fails validation when the bound credential lacks a scope, naming step, operation, scope and grants', async () => {
    const parsed = parseFlow(FLOW, { file: 'tags.flow.yaml' });
    const check = await loadCredentialScopeCheck({ store, actions, bindings: { ghl: 'ghl-main' } });
    const errors = validateFlow(parsed, { actions, checks: [check] });
    const scopeErrors = errors.filter((e) => e.code === 'CREDENTIAL_SCOPE_MISSING');
    expect(scopeErrors).toHaveLength(1);
    expect(scopeErrors[0]!.message).toBe(
      'step fetchTags (highlevel.get-tags-location-id) needs socialplanner/tag.readonly; credential ghl-main grants socialplanner/post.readonly',
    );
    expect(scopeErrors[0]!.location).toMatchObject({ file: 'tags.flow.yaml', line: 27 });
    expect(scopeErrors[0]!.format()).toMatch(/^tags\.flow\.yaml:27:\d+: step fetchTags/);

    const ok = await loadCredentialScopeCheck({ store, actions, bindings: { ghl: 'ghl-full' } });
    expect(validateFlow(parsed, { actions, checks: [ok] }).filter((e) => e.code.startsWith('CREDENTIAL_'))).toEqual([]);
  });

  it('checks again at run time: the call fails with CREDENTIAL_SCOPE_MISSING and no request is sent', async () => {
    const parsed = parseFlow(FLOW.replace(/loc_1/g, sandbox.credentials.highlevel.locationId));
    const before = { ...sandbox.admin.highlevel.counters().routes['GET /social-media-posting/{locationId}/tags'] };
    const resolver = createStoreCredentialResolver({ store, refresher: new TokenRefresher({ store }), bindings: { ghl: 'ghl-main' } });
    const engine = createEngine({ actions, credentials: resolver, baseUrls: { highlevel: sandbox.highlevel.url } });
    const record = await engine.run(parsed.flow!, {});
    expect(record.status).toBe('failed');
    expect(record.error).toMatchObject({ code: 'CREDENTIAL_SCOPE_MISSING', step: 'fetchTags' });
    expect(record.error!.message).toContain('needs socialplanner/tag.readonly; credential ghl-main grants socialplanner/post.readonly');
    expect(record.steps.find((s) => s.id === 'fetchPosts')?.status).toBe('succeeded');
    const after = { ...sandbox.admin.highlevel.counters().routes['GET /social-media-posting/{locationId}/tags'] };
    expect(after).toEqual(before);

    const full = createStoreCredentialResolver({ store, refresher: new TokenRefresher({ store }), bindings: { ghl: 'ghl-full' } });
    const good = await createEngine({ actions, credentials: full, baseUrls: { highlevel: sandbox.highlevel.url } }).run(parsed.flow!, {});
    expect(good.status, JSON.stringify(good.error)).toBe('succeeded');
    expect(JSON.stringify(good)).not.toContain(sandbox.credentials.highlevel.privateIntegrationToken);
  });

  it('a scope-checking HttpSender refuses a call whose credential lacks the scope, before sending', async () => {
    const resolver = createStoreCredentialResolver({ store, refresher: new TokenRefresher({ store }) });
    const credential = await resolver.resolve('ghl-main');
    const inner = createHttpSender({ credentials: resolver });
    const sender = createScopeCheckingSender(inner, (ctx) =>
      ctx.stepId === 'fetchTags' ? { scope: 'socialplanner/tag.readonly', uses: 'highlevel.get-tags-location-id' } : undefined,
    );
    const url = `${sandbox.highlevel.url}/social-media-posting/${sandbox.credentials.highlevel.locationId}/tags`;
    const ctx = {
      credential,
      stepId: 'fetchTags',
      idempotencyKey: 'k',
      signal: new AbortController().signal,
      dryRun: false,
      http: sender,
      attempt: 1,
      baseUrls: {},
      strictResponses: false,
      recordRequest() {},
      recordResponse() {},
      warn() {},
    } as unknown as ActionContext;
    const before = { ...sandbox.admin.highlevel.counters().routes['GET /social-media-posting/{locationId}/tags'] };
    await expect(sender.send({ method: 'GET', url, headers: { Version: '2021-07-28' } }, ctx)).rejects.toMatchObject({
      code: 'CREDENTIAL_SCOPE_MISSING',
      message: expect.stringContaining(
        'step fetchTags (highlevel.get-tags-location-id) needs socialplanner/tag.readonly; credential ghl-main grants socialplanner/post.readonly',
      ),
    });
    expect({ ...sandbox.admin.highlevel.counters().routes['GET /social-media-posting/{locationId}/tags'] }).toEqual(before);
    const other = await sender.send({ method: 'GET', url, headers: { Version: '2021-07-28' } }, {
      ...ctx,
      stepId: 'somethingElse',
    } as ActionContext);
    expect(other.status).toBe(200);
    await inner.close();
  });
});
