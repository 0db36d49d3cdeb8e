import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CredentialStore } from '@splice/server/credentials/index';
import { splice } from './run-cli';

const flowText = (tagIds: string) => `apiVersion: splice/v1
kind: Flow
metadata:
  name: tag-details
trigger:
  type: manual
credentials:
  ghl:
    connector: highlevel
steps:
  - id: details
    type: call
    uses: highlevel.v2.get-tags-by-ids
    credential: ghl
    with:
      params:
        locationId: loc-1
      body:
        tagIds: ${tagIds}
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'splice-validate-checks-'));
  await writeFile(join(dir, 'bad-body.yaml'), flowText('"not-a-list"'));
  await writeFile(join(dir, 'good.yaml'), flowText('["t1"]'));
});

describe('splice validate: catalog and credential checks', () => {
  it("checks literal catalog inputs against the operation's schema, with file:line:col and the field", async () => {
    const r = await splice('validate', join(dir, 'bad-body.yaml'));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/bad-body\.yaml:19:17: body\.tagIds must be array \[REQUEST_INVALID\]/);
    expect((await splice('validate', join(dir, 'good.yaml'))).code).toBe(0);
  });

  it("with --data-dir, fails a step whose stored credential lacks the operation's scope", async () => {
    const dataDir = join(dir, 'data');
    const store = await CredentialStore.open({ dataDir });
    await store.add({ name: 'ghl-posts-only', kind: 'highlevel-pit', values: { token: 'pit-x', locationId: 'loc-1' }, scopes: ['socialplanner/post.readonly'] });
    await store.add({ name: 'ghl', kind: 'highlevel-pit', values: { token: 'pit-y', locationId: 'loc-1' }, scopes: ['socialplanner/tag.readonly'] });
    await store.close();
    const good = join(dir, 'good.yaml');
    expect((await splice('validate', good, '--data-dir', dataDir)).code).toBe(0);
    const r = await splice('validate', good, '--data-dir', dataDir, '--credential', 'ghl=ghl-posts-only');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/good\.yaml:14:\d+: .*needs socialplanner\/tag\.readonly; credential ghl-posts-only grants socialplanner\/post\.readonly/);
  });
});

describe('splice run: a computed body that violates the schema', () => {
  it('fails before sending, naming the field, and prints the error once', async () => {
    const flow = join(dir, 'computed-bad-body.yaml');
    await writeFile(flow, flowText('=$count(["a", "b"])').replace(/credentials:\n {2}ghl:\n {4}connector: highlevel\n/, '').replace('    credential: ghl\n', ''));
    // Nothing listens on port 9 (discard): a request that went out would fail with HTTP_NETWORK instead.
    const r = await splice('run', flow, '--base-url', 'highlevel=http://127.0.0.1:9');
    expect(r.code).toBe(1);
    expect(r.out).toContain('body.tagIds: must be array. The request to highlevel.v2.get-tags-by-ids was not sent');
    expect(r.out.match(/body\.tagIds: must be array/g)).toHaveLength(1);
  });
});
