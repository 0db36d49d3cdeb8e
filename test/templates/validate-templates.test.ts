import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCatalogCalls } from '../../packages/connectors/src/index';
import { parseFlow, validateFlow } from '../../packages/runtime/src/index';
import { openMemoryDatabase } from '../../packages/server/src/insights/index';
import { templateActions } from './support/template-actions';

const root = resolve(import.meta.dirname, '../..');
const dir = join(root, 'templates');
const flows = readdirSync(dir).filter((f) => f.endsWith('.yaml') && !f.endsWith('.test.yaml'));

describe('templates', () => {
  it('has the four Payaca ↔ Users API templates, each with flow tests', () => {
    expect(flows.sort()).toEqual(['live-tag-sync.yaml', 'location-tags-into-payaca.yaml', 'post-statistics.yaml', 'tag-details-sync.yaml']);
    for (const f of flows) expect(readdirSync(dir)).toContain(f.replace(/\.yaml$/, '.test.yaml'));
  });

  for (const file of flows) {
    it(`${file} validates against schemas/flow.schema.json (and references, expressions, catalog inputs) and says what it needs`, async () => {
      const text = readFileSync(join(dir, file), 'utf8');
      expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schemas/flow.schema.json');
      const { db, close } = await openMemoryDatabase();
      try {
        const parsed = parseFlow(text, { file: `templates/${file}` });
        const errors = validateFlow(parsed, { actions: templateActions(db), checks: [checkCatalogCalls as never] });
        expect(errors.map((e) => e.format())).toEqual([]);
        const flow = parsed.flow!;
        expect(flow.metadata.name).toBe(file.replace(/\.yaml$/, ''));
        // Truthful descriptions: scopes named, and the READ-only operations described as reads.
        const description = flow.metadata.description ?? '';
        expect(description).toMatch(/socialplanner\/[a-z]+\.readonly/);
        if (text.includes('get-social-media-statistics') || text.includes('get-tags-by-ids')) expect(description).toMatch(/READS?/);
        expect(Object.keys(flow.credentials ?? {})).toEqual(expect.arrayContaining(['highlevel', 'payaca']));
        expect((flow.trigger as { sample?: unknown }).sample).toBeDefined();
      } finally {
        await close();
      }
    });
  }
});
