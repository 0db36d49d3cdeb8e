import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { fieldTreeFromSchema, fieldTreeFromValue, findField, flattenFields, mergeFieldTrees } from '../src/mapping/field-tree';
import { jsonataPath, parseSimplePath, quoteKey } from '../src/mapping/path-writer';
import { checkMapping } from '../src/mapping/target-check';

const sample = { locationId: 'loc_1', customer: { email: 'a@b.c', 'first name': 'Ada', and: 1 }, tags: [{ id: 't1', name: 'vip' }, { id: 't2', color: 'red' }] };

describe('field trees', () => {
  it('from a value: nested objects, arrays merged across items, examples', () => {
    const tree = fieldTreeFromValue(sample);
    expect(tree.map((n) => `${n.key}:${n.type}`)).toEqual(['locationId:string', 'customer:object', 'tags:array']);
    const tags = findField(tree, ['tags'])!;
    expect(tags.itemType).toBe('object');
    expect(tags.children.map((c) => c.path.join('.'))).toEqual(['tags.id', 'tags.name', 'tags.color']);
    expect(findField(tree, ['customer', 'email'])!.example).toBe('a@b.c');
  });

  it('from a schema: $ref, allOf, required, enum and array items', () => {
    const schema = {
      $defs: { Tag: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, kind: { enum: ['a', 'b'], type: 'string' } } } },
      allOf: [{ type: 'object', properties: { tagIds: { type: 'array', items: { type: 'string' } } }, required: ['tagIds'] }, { properties: { tags: { type: 'array', items: { $ref: '#/$defs/Tag' } } } }],
    };
    const tree = fieldTreeFromSchema(schema);
    expect(tree.map((n) => `${n.key}:${n.type}:${n.required}`)).toEqual(['tagIds:array:true', 'tags:array:false']);
    expect(findField(tree, ['tagIds'])!.itemType).toBe('string');
    const name = findField(tree, ['tags', 'name'])!;
    expect(name.required).toBe(true);
    expect(findField(tree, ['tags', 'kind'])!.enum).toEqual(['a', 'b']);
    expect(flattenFields(tree)).toHaveLength(4);
  });

  it('stops on recursive schemas', () => {
    const schema = { $defs: { N: { type: 'object', properties: { next: { $ref: '#/$defs/N' }, v: { type: 'number' } } } }, $ref: '#/$defs/N' };
    expect(flattenFields(fieldTreeFromSchema(schema)).length).toBeLessThan(30);
  });

  it('merges schema fields with what the last run showed', () => {
    const merged = mergeFieldTrees(fieldTreeFromSchema({ type: 'object', properties: { locationId: { type: 'string' } } }), fieldTreeFromValue(sample));
    expect(merged.map((n) => n.key)).toEqual(['locationId', 'customer', 'tags']);
    expect(merged[0]!.example).toBe('loc_1');
  });
});

describe('path writer', () => {
  it('writes paths that jsonata reads back to the dragged field', async () => {
    const cases: Array<[string[], unknown]> = [
      [['customer', 'email'], 'a@b.c'],
      [['customer', 'first name'], 'Ada'],
      [['customer', 'and'], 1],
      [['tags', 'name'], 'vip'],
    ];
    for (const [path, want] of cases) {
      const expr = jsonataPath({ kind: 'event' }, path);
      expect(await jsonata(expr).evaluate({}, { event: sample })).toEqual(want);
      expect(parseSimplePath(expr)).toEqual({ root: { kind: 'event' }, path });
    }
    expect(jsonataPath({ kind: 'step', stepId: 'fetchTags' }, ['tags', 'tag'])).toBe('$steps.fetchTags.tags.tag');
    expect(jsonataPath({ kind: 'event' }, ['customer', 'email'])).toBe('$event.customer.email');
    expect(quoteKey('first name')).toBe('`first name`');
    const odd = jsonataPath({ kind: 'event' }, ['we`ird']);
    expect(await jsonata(odd).evaluate({}, { event: { 'we`ird': 5 } })).toBe(5);
    expect(parseSimplePath('$event.a + 1')).toBeUndefined();
  });
});

describe('checkMapping', () => {
  const schema = { type: 'object', required: ['tagIds', 'locationId'], properties: { tagIds: { type: 'array', items: { type: 'string' } }, locationId: { type: 'string' }, limit: { type: 'integer' }, kind: { type: 'string', enum: ['a', 'b'] } } };
  it('shows unmapped required fields before anything runs', () => {
    expect(checkMapping(schema, { tagIds: '=$event.tags.id' }).map((i) => `${i.kind} ${i.path.join('.')}`)).toEqual(['unmapped-required locationId']);
  });
  it('shows type mismatches from the preview output and from literals', () => {
    const issues = checkMapping(schema, { tagIds: '=$event.tags.id', locationId: '=$event.n', limit: 'ten', kind: 'c' }, { tagIds: ['t1'], locationId: 5, limit: 'ten', kind: 'c' });
    expect(issues.map((i) => `${i.kind} ${i.path.join('.')}`)).toEqual(['type-mismatch locationId', 'type-mismatch limit', 'type-mismatch kind']);
    expect(issues[0]!.message).toBe('locationId should be a string but is a whole number (5).');
    expect(checkMapping(schema, { tagIds: '=$x', locationId: 'loc', limit: 'ten' }).map((i) => i.path.join('.'))).toEqual(['limit']);
  });
});
