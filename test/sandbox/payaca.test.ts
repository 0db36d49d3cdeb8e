import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SchemaValidator } from '../../packages/sandbox/src/core/schema-validator';
import { dereference } from '../../packages/sandbox/src/highlevel/spec-loader';
import { createSandbox, type Sandbox } from '../../packages/sandbox/src/index';
import { defaultPayacaModelFile } from '../../packages/sandbox/src/payaca/model';
import { call, payacaClient } from './helpers';

/** The Payaca stand-in answers per Splice's Payaca model (packages/connectors/src/payaca/payaca.openapi.json). */

let sb: Sandbox;
const validator = new SchemaValidator();
const modelFile = defaultPayacaModelFile();
const model = dereference(JSON.parse(readFileSync(modelFile, 'utf8')), modelFile, dirname(modelFile)) as {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a generic OpenAPI tree
  paths: Record<string, Record<string, any>>;
};

function responseSchema(method: string, path: string, status: number) {
  return model.paths[path]![method.toLowerCase()].responses[String(status)].content['application/json'].schema;
}

function expectPerModel(method: string, path: string, answer: { status: number; body: unknown }) {
  expect(validator.validate(responseSchema(method, path, answer.status), answer.body)).toEqual([]);
}

beforeAll(async () => {
  sb = await createSandbox({ seed: 41 });
});
afterAll(async () => sb?.close());

describe('Payaca stand-in', () => {
  it('needs Basic auth with the demo API key', async () => {
    const none = await call(`${sb.payaca.url}/customers`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic/);
    const wrong = await call(`${sb.payaca.url}/customers`, {
      headers: { Authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
    });
    expect(wrong.status).toBe(401);
    expectPerModel('GET', '/customers', wrong);
  });

  it('lists seeded customers with offset/limit', async () => {
    const client = payacaClient(sb);
    const page = await client.get('/customers?offset=2&limit=3');
    expect(page.status).toBe(200);
    expectPerModel('GET', '/customers', page);
    expect(page.body.results).toHaveLength(3);
    expect(page.body.totalCount).toBe(sb.admin.payaca.data().customers.length);
    expect((await client.get('/customers?limit=500')).status).toBe(422);
  });

  it('create-or-update matches on email (earliest match), and creates otherwise', async () => {
    const client = payacaClient(sb);
    const existing = sb.admin.payaca.data().customers[0]!;
    const updated = await client.send('POST', '/customers', {
      name: 'Renamed Customer',
      email: existing.email.toUpperCase(),
      customFields: { preferredContact: 'sms' },
    });
    expect(updated.status).toBe(200);
    expectPerModel('POST', '/customers', updated);
    expect(updated.body).toMatchObject({ id: existing.id, name: 'Renamed Customer', customFields: { preferredContact: 'sms' } });
    const created = await client.send('POST', '/customers', { name: 'New Person', email: 'new.person@example.co.uk' });
    expect(created.body.id).not.toBe(existing.id);
    expect((await client.get(`/customers/${created.body.id}`)).body.email).toBe('new.person@example.co.uk');
    const invalid = await client.send('POST', '/customers', { name: 'No Email' });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors[0].field).toBe('email');
  });

  it('get, update (custom fields checked against the definitions) and add tags', async () => {
    const client = payacaClient(sb);
    const c = sb.admin.payaca.data().customers[3]!;
    const got = await client.get(`/customers/${c.id}`);
    expectPerModel('GET', '/customers/{customerId}', got);
    expect((await client.get('/customers/0')).status).toBe(404);
    const patched = await client.send('PATCH', `/customers/${c.id}`, { customFields: { highlevelContactId: 'hl-123' } });
    expectPerModel('PATCH', '/customers/{customerId}', patched);
    expect(patched.body.customFields.highlevelContactId).toBe('hl-123');
    const unknownField = await client.send('PATCH', `/customers/${c.id}`, { customFields: { notAField: 1 } });
    expect(unknownField.status).toBe(422);
    expect(unknownField.body.errors[0].field).toBe('customFields.notAField');
    const tagged = await client.send('POST', `/customers/${c.id}/tags`, { tagNames: ['VIP', 'VIP', 'Spring Offer'] });
    expectPerModel('POST', '/customers/{customerId}/tags', tagged);
    expect(tagged.body.tags).toEqual(expect.arrayContaining(['VIP', 'Spring Offer']));
    expect(tagged.body.tags.filter((t: string) => t === 'VIP')).toHaveLength(1);
    expect((await client.send('POST', `/customers/${c.id}/tags`, { tagNames: ['x'.repeat(31)] })).status).toBe(422);
  });

  it('projects: create for a customer (pipeline by title) and update', async () => {
    const client = payacaClient(sb);
    const c = sb.admin.payaca.data().customers[4]!;
    const created = await client.send('POST', `/customers/${c.id}/projects`, {
      reference: 'JOB-TEST-1',
      siteAddress: { line1: '1 High Street', postcode: 'LS1 1AA' },
      tags: ['Heat Pump'],
      pipeline: { title: 'Jobs' },
      pipelineStage: { title: 'Quote sent' },
      customFields: { jobType: 'install' },
    });
    expect(created.status).toBe(201);
    expectPerModel('POST', '/customers/{customerId}/projects', created);
    expect(created.body.pipelineStage.title).toBe('Quote sent');
    const badStage = await client.send('POST', `/customers/${c.id}/projects`, { pipelineStage: { title: 'Nope' } });
    expect(badStage.status).toBe(422);
    const updated = await client.send('PATCH', `/projects/${created.body.id}`, {
      pipelineStage: { title: 'In progress' },
      customFields: { socialImpressions: 1200 },
    });
    expectPerModel('PATCH', '/projects/{projectId}', updated);
    expect(updated.body).toMatchObject({
      pipelineStage: { title: 'In progress' },
      customFields: { jobType: 'install', socialImpressions: 1200 },
    });
    expect((await client.send('PATCH', `/projects/${created.body.id}`, {})).status).toBe(422);
  });

  it('custom-field definitions by groupRole and tax rates with paging', async () => {
    const client = payacaClient(sb);
    const project = await client.get('/custom-fields?groupRole=project');
    expectPerModel('GET', '/custom-fields', project);
    expect(project.body.results.every((d: { groupRole: string }) => d.groupRole === 'project')).toBe(true);
    expect(project.body.results.length).toBeGreaterThan(0);
    const rates = await client.get('/tax-rates?offset=0&limit=2');
    expectPerModel('GET', '/tax-rates', rates);
    expect(rates.body.results).toHaveLength(2);
  });

  it('is reachable on the combined server under /payaca/v1 too', async () => {
    const { clientId, clientSecret } = sb.credentials.payaca;
    const res = await call(`${sb.baseUrls.payaca}/tax-rates`, {
      headers: { Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` },
    });
    expect(res.status).toBe(200);
  });
});
