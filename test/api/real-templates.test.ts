import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './helpers';

/** The shipped templates (templates/*.yaml) through the API: listed, imported verbatim, their flow tests pass on the server. */
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

describe('shipped templates through the API', () => {
  it('imports every template and passes its flow tests on the server', async () => {
    const { templates } = (await api.call('GET', '/api/templates')).body as { templates: Array<{ id: string; hasTests: boolean; scopes: string[]; description: string }> };
    expect(templates.length).toBeGreaterThanOrEqual(1);
    for (const t of templates) {
      expect(t.description.length, t.id).toBeGreaterThan(0);
      const detail = (await api.call('GET', `/api/templates/${t.id}`)).body;
      const imported = await api.call('POST', `/api/templates/${t.id}/import`, {});
      expect(imported.status, JSON.stringify(imported.body)).toBe(201);
      expect(imported.body.flow.yaml).toBe(detail.yaml);
      expect(imported.body.flow.valid, JSON.stringify(imported.body.flow.validation.errors)).toBe(true);
      if (!t.hasTests) continue;
      const report = await api.call('POST', `/api/flows/${imported.body.flow.id}/tests/run`, {});
      expect(report.status).toBe(200);
      expect({ id: t.id, failed: report.body.failed, errors: report.body.errors }).toEqual({ id: t.id, failed: 0, errors: [] });
      expect(report.body.passed).toBeGreaterThan(0);
    }
  });
});
