import { describe, expect, it } from 'vitest';
import jsonata from 'jsonata';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { assertMatchesSchema, compileExpression, evaluateExpression, evaluateTemplate, MappingError } from '../src/index';

const RUNAWAY = '( $f := function($x){ $f($x+1) }; $f(0) )';

describe('mapping DSL', () => {
  it('compiles once per source and evaluates with $event, $steps, $env, $item, $index, $run', async () => {
    const c = compileExpression('{ "n": $event.name, "t": $steps.a.total, "e": $env.region, "i": $item, "x": $index, "r": $run.flow }');
    expect(compileExpression(c.source)).toBe(c);
    const out = await evaluateExpression(
      c,
      {},
      { event: { name: 'x' }, steps: { a: { total: 3 } }, env: { region: 'uk' }, item: 'it', index: 2, run: { id: 'r1', flow: 'f' } },
    );
    expect(out).toEqual({ n: 'x', t: 3, e: 'uk', i: 'it', x: 2, r: 'f' });
  });

  it('stops a tail-call-optimised endless loop with MAPPING_TIMEOUT while other work keeps running', async () => {
    const order: string[] = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const other = (async () => {
      const results: unknown[] = [];
      for (let i = 0; i < 10; i++) {
        results.push(await evaluateExpression(compileExpression('$sum($event.xs)'), {}, { event: { xs: [i, 1] } }));
        await new Promise((r) => setTimeout(r, 1));
      }
      order.push('other runs done');
      return results;
    })();
    const runaway = evaluateExpression(compileExpression(RUNAWAY), {}, {}, { timeoutMs: 1500 }).then(
      () => 'finished',
      (e) => {
        order.push('runaway stopped');
        return e;
      },
    );
    const [err, results] = await Promise.all([runaway, other]);
    clearInterval(timer);
    expect(err).toBeInstanceOf(MappingError);
    expect((err as MappingError).code).toBe('MAPPING_TIMEOUT');
    expect(results).toHaveLength(10);
    expect(order).toEqual(['other runs done', 'runaway stopped']);
    expect(ticks).toBeGreaterThan(10); // timers fired while the runaway expression was spinning
  });

  it('stops deep non-tail recursion with MAPPING_DEPTH_EXCEEDED', async () => {
    const c = compileExpression('( $f := function($x){ $x = 0 ? 0 : 1 + $f($x - 1) }; $f(100000) )');
    await expect(evaluateExpression(c, {}, {}, { maxDepth: 500 })).rejects.toMatchObject({ code: 'MAPPING_DEPTH_EXCEEDED' });
    const shallow = compileExpression('( $f := function($x){ $x = 0 ? 0 : 1 + $f($x - 1) }; $f(20) )');
    expect(await evaluateExpression(shallow, {}, {}, { maxDepth: 500 })).toBe(20);
  });

  it('rejects results over the output limit', async () => {
    // A generous time limit: on a loaded machine building 100,000 items can take longer than the default 1 s.
    const c = compileExpression('[1..100000].{ "n": $ }');
    await expect(evaluateExpression(c, {}, {}, { maxOutputBytes: 10_000, timeoutMs: 60_000 })).rejects.toMatchObject({
      code: 'MAPPING_OUTPUT_TOO_LARGE',
    });
  });

  it('reports compile and evaluation errors with the position in the expression', async () => {
    expect(() => compileExpression('$uppercase(')).toThrow(expect.objectContaining({ code: 'MAPPING_COMPILE' }));
    await expect(evaluateExpression(compileExpression('1 + "a"'), {}, {})).rejects.toMatchObject({
      code: 'MAPPING_EVALUATION',
      message: expect.stringContaining('character'),
    });
  });

  it('puts details.offset of an evaluation error on the failing operator or call (`^` marks it)', async () => {
    const cases = [
      '$event.n ^+ 1',
      '{ "a": 1,\n  "b": ^$number($event.n) }',
      '^$number ($event.n)',
      '$event.n ~> ^$number()',
      '$event.ok and ^$number($event.n) > 1', // jsonata overwrites the position with the `and`'s: its right side
      '$event.no or ^$event.n > 1 or $event.ok', // (the start of that side: the `>` itself is not known)
      '$event.items[$ ^> "a"]',
    ];
    for (const marked of cases) {
      const source = marked.replace('^', '');
      const err = await evaluateExpression(compileExpression(source), {}, { event: { n: 'x', ok: true, items: [1] } }).catch((e: MappingError) => e);
      expect({ source, offset: (err as MappingError).details?.offset }).toEqual({ source, offset: marked.indexOf('^') });
    }
  });

  it('locates a failing `with` leaf at its path, counting the leading `=`', async () => {
    const err = await evaluateTemplate({ body: { list: ['ok', '=$event.n + 1'] } }, {}, { event: { n: 'x' } }, undefined, undefined, ['with']).catch((e: MappingError) => e);
    expect(err).toMatchObject({ code: 'MAPPING_EVALUATION', expression: { field: ['with', 'body', 'list', 1], offset: 1 + 9 } });
  });

  it('evaluates `with` templates: `=` is JSONata, `==` escapes, undefined keys are dropped', async () => {
    const out = await evaluateTemplate(
      { url: '=$env.base & "/tags"', note: '==not an expression', n: 3, list: ['=$event.a', 'plain'], missing: '=$event.nothing' },
      {},
      { event: { a: 1 }, env: { base: 'http://x' } },
    );
    expect(out).toEqual({ url: 'http://x/tags', note: '=not an expression', n: 3, list: [1, 'plain'] });
  });

  it('validates a mapped value against a JSON Schema with field paths', () => {
    const schema = {
      type: 'object',
      properties: { tags: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } } },
    };
    expect(() => assertMatchesSchema({ tags: [{ name: 'a' }] }, schema)).not.toThrow();
    expect(() => assertMatchesSchema({ tags: [{ name: 5 }] }, schema)).toThrow(/\/tags\/0\/name must be string/);
  });

  it('answers bare references like `$steps.a.b` exactly as jsonata does', async () => {
    const values: unknown[] = [[[1, 2], [3]], [5], [{ a: 1 }], { x: [1] }, 'a', null, 0, [], true, undefined, { v: { deeper: 1 } }];
    for (const source of ['$steps.s.v', '$steps.s.v.deeper', '$steps.s', '$event', '$steps.missing.v']) {
      for (const v of values) {
        const bindings = { steps: { s: { v } }, event: v };
        const expected = await jsonata(source).evaluate({}, bindings);
        const actual = await evaluateExpression(compileExpression(source), {}, bindings);
        expect(JSON.stringify(actual), `${source} with ${JSON.stringify(v)}`).toBe(JSON.stringify(expected));
      }
    }
    expect(compileExpression('$steps.s.v').reference).toEqual({ variable: 'steps', names: ['s', 'v'] });
    expect(compileExpression('$steps.s.v[0]').reference).toBeUndefined();
  });

  it('keeps the mapping layer browser-safe: no node: imports', () => {
    const dir = fileURLToPath(new URL('../src/mapping/', import.meta.url));
    const errors = resolve(dir, '../errors');
    for (const f of readdirSync(dir, { recursive: true }) as string[]) {
      if (!f.endsWith('.ts')) continue;
      const text = readFileSync(dir + f, 'utf8');
      expect(text, f).not.toMatch(/from ['"](node:|fs|path|crypto|undici)/);
      for (const m of text.matchAll(/from '(\.\.?\/[^']+)'/g)) {
        const target = resolve(dirname(dir + f), m[1]!);
        expect(target === errors || target.startsWith(dir), `${f} imports ${m[1]}`).toBe(true);
      }
    }
  });
});
