import { describe, expect, it } from 'vitest';
import jsonata from 'jsonata';
import { compileExpression, evaluateExpression, MappingError } from '../src/index';
import { compilerStats, compilerSwitch, FALLBACK, runProgram } from '../src/mapping/compiler/index';
import { runtime } from '../src/mapping/compiler/runtime/index';
import { BUILTINS } from '../src/mapping/compiler/builtins/catalog';
import { sameValue } from './support/same-value';

const DATA = {
  a: [{ b: 1, c: [1, 2] }, { b: 2, c: [3] }, { b: 3 }],
  o: { x: { y: 'deep' }, n: null, e: [], s: 'Hello World', z: 0 },
  tags: [
    { id: 't1', name: 'red', active: true },
    { id: 't2', name: 'blue', active: false },
    { id: 't3', name: 'green', active: true },
  ],
};

async function interpreted(source: string, input: unknown, bindings: Record<string, unknown> = {}): Promise<unknown> {
  compilerSwitch.enabled = false;
  try {
    return await evaluateExpression(compileExpression(source), input, bindings);
  } catch (err) {
    return { error: (err as MappingError).code, jsonata: (err as MappingError).details?.jsonataCode };
  } finally {
    compilerSwitch.enabled = true;
  }
}

async function compiled(source: string, input: unknown, bindings: Record<string, unknown> = {}): Promise<unknown> {
  try {
    return await evaluateExpression(compileExpression(source), input, bindings);
  } catch (err) {
    return { error: (err as MappingError).code, jsonata: (err as MappingError).details?.jsonataCode };
  }
}

function budget() {
  const now = performance.now();
  return { deadline: now + 5000, timeoutMs: 5000, maxDepth: 2000 };
}

describe('JSONata compiled to JavaScript', () => {
  it("computes jsonata's exact value itself for sequences, flattening, keepArray, undefined vs null, tail calls", async () => {
    const cases = [
      'a.b',
      'a.c',
      'a[0].c',
      'a.c[0]',
      'a.c[-1]',
      '[a.c]',
      'a.[c]',
      'a.c[]',
      'a[b>1].b',
      'a[[0,2]].b',
      'a[[1..2]]',
      'o.x.y',
      'o.n',
      'o.e',
      'o.missing',
      'o.e[]',
      '$count(o.e)',
      'o.*',
      'o.**',
      '**.y',
      '$.a[0]',
      '$$.o.s',
      '{"k": a.b, "n": o.n, "u": o.nothing}',
      'a{"g" & $string(b): c}',
      'a.{"b": b, "c": c}',
      '[1..4][$ % 2 = 0]',
      'tags[active].{"name": $uppercase(name), "id": id}',
      '$sum(a.b) / $count(a)',
      '$join(tags.name, ", ")',
      '( $x := a.b; $y := $x[1]; [$x, $y] )',
      '( $x := [1]; $x[] )',
      'a.b ~> $map(function($v, $i){ $v * $i })',
      '$filter(tags, function($t){ $t.active }).id',
      '$reduce(a.b, function($acc, $v){ $acc + $v }, 10)',
      '$sort(tags, function($l, $r){ $l.name > $r.name }).name',
      'tags^(>name).id',
      'tags^($string(active), >name).id',
      '( $f := function($n){ $n <= 1 ? 1 : $n * $f($n - 1) }; $f(10) )',
      '( $g := function($n, $acc){ $n = 0 ? $acc : $g($n - 1, $acc + $n) }; $g(50, 0) )',
      '$string({"a": [1, 2.5, "x", null, true]})',
      '$number("12.5") + 1',
      '$substring(o.s, 6)',
      '$lookup(o, "x")',
      '$keys(o)',
      '$append(a.b, [4, 5])',
      '$merge([{"a": 1}, {"b": 2}])',
      '$distinct([1, 2, 1, "1", [1], [1]])',
      '$exists(o.n) and $not($exists(o.q))',
      '$boolean([0, ""])',
      'o.s ? "yes" : "no"',
      'o.q ?? "dflt"',
      'o.z ?: "falsy"',
      '"x" in ["a", "x"]',
      '1 = 1.0 and "a" < "b"',
      '$round(2.5) & "/" & $round(3.5) & "/" & $round(1.2345, 2)',
      '$split("a,b,,c", ",")',
      '$replace("a-b-c", "-", "+", 1)',
      '$contains(o.s, "World")',
      '$uppercase($trim("  a  b  "))',
      '$formatNumber(1234.5, "#,##0.00")',
      '$type(a)',
      '-a[0].b',
    ];
    for (const source of cases) {
      const c = compileExpression(source);
      expect(c.program, `${source} should compile (${c.interpretedBecause})`).toBeDefined();
      const direct = runProgram(c.program!, DATA, {}, budget());
      expect(direct, `${source} ran compiled`).not.toBe(FALLBACK);
      const want = await interpreted(source, DATA);
      const got = await compiled(source, DATA);
      expect(sameValue(got, want), `${source}: compiled ${JSON.stringify(got)} vs interpreted ${JSON.stringify(want)}`).toBe(true);
    }
  });

  it("leaves errors to the interpreter, so codes and positions are jsonata's own", async () => {
    for (const source of [
      '1 + "a"',
      '$number("x")',
      '{"a": 1, "a": 2}.a',
      'o.s < 1',
      '$sum(["a"])',
      '$substring(1)',
      '$undefined()',
      '$error("stop")',
    ]) {
      const want = await interpreted(source, DATA);
      expect(want, source).toHaveProperty('error');
      expect(await compiled(source, DATA), source).toEqual(want);
    }
  });

  it('writes only compiler text into the generated source: every literal and name goes through the constants array', () => {
    const hostile = [
      `{"require('child_process')": process.mainModule, "x": "'); globalThis.process.exit(1); ('"}`,
      '$lookup($, "constructor").prototype',
      '`__proto__`.`constructor`.name & "\\u0022" & "${1+1}"',
      '( $process := "p"; $globalThis := function($x){ $x }; $globalThis($process) )',
      'a[name = "`);process.exit(1);//"].b',
    ];
    const allowed = new Set([
      ...Object.keys(runtime),
      ...Object.keys(BUILTINS),
      'K',
      'B',
      'ROOT',
      'INPUT',
      'rt',
      'n',
      'length',
      'push',
      'tupleStream',
      'data',
      'exprIndex',
      'const',
      'let',
      'for',
      'of',
      'if',
      'else',
      'break',
      'switch',
      'case',
      'return',
      'function',
      'new',
      'undefined',
      'null',
      'true',
      'false',
      'use',
      'strict',
    ]);
    for (const source of hostile) {
      const c = compileExpression(source);
      expect(c.program, `${source}: ${c.interpretedBecause}`).toBeDefined();
      const text = c.program!.source;
      const literals = text.match(/(['"`])(?:\\.|(?!\1).)*\1/g) ?? [];
      expect(literals).toEqual(["'use strict'"]);
      for (const word of ['process', 'require', 'constructor', 'globalThis', 'prototype', '__proto__', 'exit'])
        expect(text).not.toContain(word);
      for (const id of text.replace("'use strict'", '').match(/[A-Za-z_$][\w$]*/g) ?? []) {
        if (!allowed.has(id) && !/^[tvpciLs]\d+$/.test(id))
          throw new Error(`unexpected identifier ${id} in the code generated for ${source}`);
      }
    }
  });

  it('reaches no global, prototype or constructor through data, names or built-ins (same as jsonata)', async () => {
    for (const source of [
      '$process',
      '$require',
      '$globalThis',
      'constructor',
      '__proto__',
      '$$.constructor',
      '$string.constructor',
      '$lookup($string, "constructor")',
      '$keys($string)',
      '$.toString',
      '{"__proto__": 1}.__proto__',
      '$merge([{"__proto__": {"x": 1}}]).x',
    ]) {
      const c = compileExpression(source);
      expect(c.program, source).toBeDefined();
      expect(sameValue(await compiled(source, DATA), await interpreted(source, DATA)), source).toBe(true);
    }
    const o = (await compiled('{"__proto__": {"polluted": true}}', {})) as Record<string, unknown>;
    expect(Object.getPrototypeOf(o)).not.toHaveProperty('polluted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('says why an expression is interpreted', () => {
    expect(compileExpression('a@$x.b').interpretedBecause).toMatch(/tuple stream/);
    expect(compileExpression('$match(s, /a+/)').program).toBeDefined(); // on the interpreter's own RE2 engine
    expect(compileExpression('$eval("1")').interpretedBecause).toMatch(/\$eval/);
    expect(compileExpression('a.b').interpretedBecause).toBeUndefined();
    expect(compileExpression('a.b').program).toBeDefined();
  });

  it('falls back when a binding shadows a built-in it calls', async () => {
    const c = compileExpression('$string(5)');
    expect(runProgram(c.program!, {}, { string: 1 }, budget())).toBe(FALLBACK);
    expect(await compiled('$string(5)', {}, { string: 1 })).toEqual(await interpreted('$string(5)', {}, { string: 1 }));
  });

  it('stops a runaway compiled loop within its slice; the interpreter then stops it at the time limit while other runs go on', async () => {
    const RUNAWAY = '$reduce([1..100000], function($acc, $v){ $acc + $count([1..$v]) }, 0)';
    expect(compileExpression(RUNAWAY).program).toBeDefined();
    const slicesBefore = compilerStats.reasons.get('time slice used up') ?? 0;
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const order: string[] = [];
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
      (e: unknown) => {
        order.push('runaway stopped');
        return e;
      },
    );
    const [err, results] = await Promise.all([runaway, other]);
    clearInterval(timer);
    expect(err).toBeInstanceOf(MappingError);
    expect((err as MappingError).code).toBe('MAPPING_TIMEOUT');
    expect(results).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(order).toEqual(['other runs done', 'runaway stopped']);
    expect(ticks).toBeGreaterThan(10);
    expect(compilerStats.reasons.get('time slice used up') ?? 0).toBeGreaterThan(slicesBefore);
  });

  it("keeps the depth and sequence limits of compiled code the interpreter's", async () => {
    await expect(
      evaluateExpression(compileExpression('( $f := function($x){ $x = 0 ? 0 : 1 + $f($x - 1) }; $f(100000) )'), {}, {}, { maxDepth: 500 }),
    ).rejects.toMatchObject({
      code: 'MAPPING_DEPTH_EXCEEDED',
    });
    // A built-in call on a large input cannot be interrupted, so on the caller's thread it is left to the
    // isolated path ($length of this 8-million-character string would build an 8-million-item array).
    const doubling = compileExpression('( $f := function($s, $n){ $n = 0 ? $s : $f($s & $s, $n - 1) }; $length($f("ab", 22)) )');
    expect(runProgram(doubling.program!, {}, {}, budget())).toBe(FALLBACK);
    expect(runProgram(doubling.program!, {}, {}, { ...budget(), isolated: true })).toBe(2 ** 23);
    const long = compileExpression('$count([1..20000])');
    expect(runProgram(long.program!, {}, {}, { ...budget(), maxSequenceLength: 1000 })).toBe(FALLBACK);
    expect(runProgram(long.program!, {}, {}, budget())).toBe(20000);
  });

  it('compiles from the parsed tree only: the same tree compiles to the same source', () => {
    const a = compileExpression('{"x": a.b + 1}');
    const ast = jsonata('{"x": a.b + 1}').ast();
    expect(JSON.stringify(ast)).toBe(JSON.stringify(a.expression.ast())); // compiling did not touch jsonata's tree
  });
});
