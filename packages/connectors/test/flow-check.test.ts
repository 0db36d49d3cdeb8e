import { parseFlow, validateFlow, type Flow } from '@splice/runtime';
import { describe, expect, it } from 'vitest';
import { checkCatalogCalls } from '../src/flow-check';

const flow = (steps: unknown[]): Flow => ({ apiVersion: 'splice/v1', kind: 'Flow', metadata: { name: 'f' }, trigger: { type: 'manual' }, steps: steps as Flow['steps'] });

describe('checkCatalogCalls (loader FlowCheck)', () => {
  it('reports an unknown operation with the closest ids', () => {
    const problems = checkCatalogCalls(flow([{ id: 'a', type: 'call', uses: 'highlevel.get-tag-location-id' }]));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: ['steps', 0, 'uses'], code: 'UNKNOWN_OPERATION' });
    expect(problems[0]!.message).toContain('`highlevel.get-tags-location-id`');
  });

  it('checks literal values against the schema, skips expressions, and finds missing path params in nested steps', () => {
    const problems = checkCatalogCalls(
      flow([
        { id: 'ok', type: 'call', uses: 'highlevel.get-tags-by-ids', with: { params: { locationId: '=$event.loc' }, body: { tagIds: '=$event.ids' } } },
        { id: 'empty', type: 'call', uses: 'highlevel.get-social-media-statistics', with: { query: { locationId: 'l' }, body: { profileIds: [] } } },
        { id: 'http', type: 'call', uses: 'http', with: { url: 'x' } },
        {
          id: 'each', type: 'foreach', items: '$event.items',
          steps: [{ id: 'noLoc', type: 'call', uses: 'highlevel.v3.get-tags-location-id', with: { query: { limit: 10, sarch: 'x' } } }],
        },
        { id: 'bad', type: 'call', uses: 'payaca.add-customer-tags', with: { params: { customerId: 'c' }, body: { tagNames: ['ok', '=$x', ''] } } },
      ]),
    );
    const byPath = problems.map((p) => `${p.path.join('/')}: ${p.code}`);
    expect(byPath).toEqual([
      'steps/1/with/body/profileIds: REQUEST_INVALID',
      'steps/3/steps/0/with/params/locationId: REQUEST_INVALID',
      'steps/3/steps/0/with/query/sarch: REQUEST_INVALID',
      'steps/4/with/body/tagNames/2: REQUEST_INVALID',
    ]);
    expect(problems[0]!.message).toBe('body.profileIds must NOT have fewer than 1 items');
    expect(problems[1]!.message).toBe('params.locationId is required by highlevel.v3.get-tags-location-id');
  });

  it('lets a step with a credential leave locationId to the credential', () => {
    const problems = checkCatalogCalls(flow([{ id: 'a', type: 'call', uses: 'highlevel.get-account', credential: 'ghl' }]));
    expect(problems).toEqual([]);
  });

  it('flags paginate on operations that cannot page, and a credential declared for another connector', () => {
    const f = flow([
      { id: 'a', type: 'call', uses: 'highlevel.get-tags-by-ids', credential: 'payaca', paginate: true, with: { params: { locationId: 'l' }, body: { tagIds: ['x'] } } },
      { id: 'b', type: 'call', uses: 'highlevel.get-tags-location-id', credential: 'ghl', paginate: true, with: { params: { locationId: 'l' } } },
    ]);
    f.credentials = { payaca: { connector: 'payaca' }, ghl: { connector: 'highlevel' } };
    expect(checkCatalogCalls(f).map((p) => [p.path.join('/'), p.code])).toEqual([
      ['steps/0/paginate', 'PAGINATION_UNSUPPORTED'],
      ['steps/0/credential', 'CREDENTIAL_CONNECTOR_MISMATCH'],
    ]);
  });

  it('plugs into the runtime loader, which adds line:col', () => {
    const text = [
      'apiVersion: splice/v1',
      'kind: Flow',
      'metadata: { name: tags }',
      'trigger: { type: manual }',
      'steps:',
      '  - id: details',
      '    type: call',
      '    uses: highlevel.get-tags-by-ids',
      '    with:',
      '      params: { locationId: loc_1 }',
      '      body: { tagIds: "not-a-list" }',
      '',
    ].join('\n');
    const parsed = parseFlow(text, { file: 'tags.yaml' });
    const errors = validateFlow(parsed, { checks: [checkCatalogCalls] }).filter((e) => e.code === 'REQUEST_INVALID');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.format()).toMatch(/^tags\.yaml:11:\d+: body\.tagIds must be array \[REQUEST_INVALID\]$/);
  });
});
