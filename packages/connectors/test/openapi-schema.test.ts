import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { openApiToJsonSchema } from '../src/openapi-schema';
import { getCatalog } from '../src/catalog';
import { inputSchemaOf, outputSchemaOf } from '../src/operation-schemas';

describe('openApiToJsonSchema', () => {
  it('turns nullable into a null type, also without a type, and keeps a property named nullable', () => {
    expect(openApiToJsonSchema({ type: 'string', nullable: true, enum: ['a'] })).toEqual({ type: ['string', 'null'], enum: ['a', null] });
    expect(openApiToJsonSchema({ allOf: [{ type: 'object' }], nullable: true })).toEqual({ anyOf: [{ allOf: [{ type: 'object' }] }, { type: 'null' }] });
    expect(openApiToJsonSchema({ type: 'object', properties: { nullable: { type: 'boolean' } } })).toEqual({ type: 'object', properties: { nullable: { type: 'boolean' } } });
    expect(openApiToJsonSchema({ type: 'number', minimum: 0, exclusiveMinimum: true })).toEqual({ type: 'number', exclusiveMinimum: 0 });
    expect(openApiToJsonSchema({ type: 'number', nullable: false, exclusiveMaximum: false })).toEqual({ type: 'number' });
  });

  it('gives actions input and output schemas that a plain ajv (no OpenAPI knowledge) compiles', () => {
    const ajv = new Ajv({ strict: false, validateFormats: false });
    for (const op of getCatalog()) {
      expect(() => ajv.compile(inputSchemaOf(op)), op.id).not.toThrow();
      const out = outputSchemaOf(op);
      if (out) expect(() => ajv.compile(out), op.id).not.toThrow();
    }
  });
});

describe('trigger catalog', () => {
  it('every sample matches its payload schema, and every entry says where it comes from', async () => {
    const { triggerEvents } = await import('../src/triggers');
    const ajv = new Ajv({ strict: false, validateFormats: false });
    for (const t of triggerEvents) {
      expect(ajv.validate(t.payloadSchema, t.sample), `${t.id}: ${ajv.errorsText()}`).toBe(true);
      expect(t.source.length, t.id).toBeGreaterThan(10);
      expect(t.id.startsWith(`${t.connector}.`)).toBe(true);
    }
    const names = triggerEvents.map((t) => t.event);
    expect(names).toEqual(expect.arrayContaining(['project.pipelineStageChanged', 'invoice.fullyPaid', 'scheduledEvent.created', 'project.tagsChanged', 'SocialPostPublished']));
    expect(triggerEvents.filter((t) => t.assumed).map((t) => t.event)).toEqual(expect.arrayContaining(['project.tagsChanged', 'SocialPostPublished']));
  });
});
