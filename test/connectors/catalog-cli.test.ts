import { describe, expect, it } from 'vitest';
import { runCliToEnd } from '../support/in-process-cli';

const splice = (...args: string[]) => runCliToEnd(args);

describe('splice catalog', () => {
  it('lists all 40 v2 and 45 v3 HighLevel operations with their scopes', async () => {
    const r = await splice('catalog', 'list', 'highlevel');
    expect(r.code).toBe(0);
    const rows = r.out.split('\n').filter((l) => l.startsWith('  highlevel.'));
    expect(rows.filter((l) => l.startsWith('  highlevel.v2.'))).toHaveLength(40);
    expect(rows.filter((l) => l.startsWith('  highlevel.v3.'))).toHaveLength(45);
    expect(r.out).toContain('Users API (HighLevel Social Planner) v2: 40 operations (header Version: 2021-07-28)');
    expect(rows.find((l) => l.includes('highlevel.v2.get-tags-location-id'))).toMatch(/GET\s+\/social-media-posting\/\{locationId\}\/tags\s+socialplanner\/tag\.readonly/);
    expect(rows.find((l) => l.includes('highlevel.v2.get-social-media-statistics'))).toContain('socialplanner/statistics.readonly');
    const json = JSON.parse((await splice('catalog', 'list', 'payaca', '--json')).out) as Array<{ id: string }>;
    expect(json.map((o) => o.id)).toContain('payaca.add-customer-tags');
  });

  it('shows parameters, body schema, scope and Version header of an operation', async () => {
    const r = await splice('catalog', 'show', 'highlevel.get-social-media-statistics');
    expect(r.code).toBe(0);
    expect(r.out).toContain('request:    POST https://services.leadconnectorhq.com/social-media-posting/statistics');
    expect(r.out).toContain('scope:      socialplanner/statistics.readonly');
    expect(r.out).toContain('Version:    2021-07-28');
    expect(r.out).toMatch(/query\.locationId\s+string\s+required/);
    expect(r.out).toContain('"profileIds"');
    expect((await splice('catalog', 'show', 'highlevel.v3.get-statistics')).out).toContain('Version:    v3');
  });

  it('lists triggers and shows one with its payload schema and sample', async () => {
    const list = await splice('catalog', 'triggers');
    expect(list.out).toMatch(/payaca\.project\.tagsChanged\s+Project's tags changed  \[assumed\]/);
    const show = await splice('catalog', 'show', 'highlevel.SocialPostPublished');
    expect(show.code).toBe(0);
    expect(show.out).toContain('read from the body field type');
    expect(show.out).toContain('"postId"');
  });

  it('answers an unknown id with a clear error and the closest ids', async () => {
    const r = await splice('catalog', 'show', 'highlevel.get-tag-location-id');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error: unknown operation "highlevel\.get-tag-location-id"\. Did you mean: highlevel\.get-tags-location-id/);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect((await splice('catalog', 'list', 'hubspot')).err).toContain('unknown connector "hubspot"');
  });
});
