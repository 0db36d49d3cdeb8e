import { describe, expect, it } from 'vitest';
import { evaluatePreview } from '../src/preview/preview-evaluate';

const bindings = { event: { customer: { id: 'c1', 'first name': 'Ada' }, tags: [{ name: 'a' }, { name: 'b' }] }, steps: { fetch: { total: 2 } }, env: { pageSize: '100' } };

describe('mapping preview evaluation (what the worker runs)', () => {
  it('evaluates a `with` tree: expressions, literals, `==` escapes, and leaves out undefined fields', async () => {
    const res = await evaluatePreview({
      id: 1,
      input: bindings.event,
      bindings,
      template: { params: { customerId: '=$event.customer.id' }, body: { names: '=$event.tags.name', n: '=$steps.fetch.total', note: 'literal', eq: '==5', missing: '=$event.nothing', who: '=$event.customer.`first name`' } },
    });
    expect(res).toEqual({ id: 1, ok: true, errors: [], value: { params: { customerId: 'c1' }, body: { names: ['a', 'b'], n: 2, note: 'literal', eq: '=5', who: 'Ada' } } });
  });

  it('reports each broken field with its path and keeps the others', async () => {
    const res = await evaluatePreview({ id: 2, input: {}, bindings, template: { a: '=$event.customer.id', b: '=$event.(', c: '=$number("x")' } });
    expect(res.ok).toBe(true);
    expect(res.ok && res.value).toEqual({ a: 'c1' });
    expect(res.errors.map((e) => `${e.path.join('.')} ${e.code}`)).toEqual(['b MAPPING_COMPILE', 'c MAPPING_EVALUATION']);
  });

  it('inside foreach, binds $item to the first item of each enclosing loop', async () => {
    const res = await evaluatePreview({ id: 4, input: bindings.event, bindings, foreachItems: ['$event.tags'], template: { name: '=$item.name', i: '=$index' } });
    expect(res).toEqual({ id: 4, ok: true, errors: [], value: { name: 'a', i: 0 }, item: { name: 'a' } });
  });

  it('stops a runaway expression with the runtime limit (MAPPING_TIMEOUT)', async () => {
    const res = await evaluatePreview({ id: 3, input: {}, bindings, expression: '($f := function($x){ $f($x + 1) }; $f(0))' }, { timeoutMs: 200 });
    expect(res.ok).toBe(false);
    expect(res.errors[0]!.code).toBe('MAPPING_TIMEOUT');
  });
});
