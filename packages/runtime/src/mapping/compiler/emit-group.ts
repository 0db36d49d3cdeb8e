import { notCompiled, type AstNode } from './ast';
import type { Emitter } from './emitter';

/**
 * evaluateGroupExpression (object constructors and `path{…}` grouping). When every key is a literal the
 * grouping is known in advance: each pair's context is the input items appended (groupData).
 */
export function emitGroup(g: Emitter, group: { lhs: Array<[AstNode, AstNode]> }, input: string): string {
  const pairs = group.lhs;
  const literal = pairs.every(([k]) => k.type === 'string' && !k.predicate && !k.group && !k.stages && !k.keepArray);
  if (literal) {
    const keys = pairs.map(([k]) => k.value as string);
    if (new Set(keys).size !== keys.length) notCompiled('a key repeated in an object constructor (always error D1009)');
    if (keys.some((k) => k === '_jsonata_lambda' || k === '_jsonata_function')) notCompiled('a reserved key (always error D1013)');
    const o = g.name();
    g.emit(`const ${o} = {};`);
    for (const [k, valueNode] of pairs) {
      const data = g.value(`groupData(${input})`);
      const v = g.node(valueNode, data);
      if (k.value === '__proto__') g.emit(`if (${v} !== undefined) setField(${o}, ${g.constant(k.value)}, ${v});`);
      else g.emit(`if (${v} !== undefined) ${o}[${g.constant(k.value)}] = ${v};`);
    }
    return o;
  }
  const items = g.value(`groupItems(${input})`);
  const groups = g.name();
  g.emit(`const ${groups} = newGroups();`);
  const i = g.name('i');
  g.emit(`for (let ${i} = 0; ${i} < ${items}.length; ${i}++) {`);
  g.emit('if (--METER.n < 0) tick();');
  const item = g.name();
  g.emit(`const ${item} = ${items}[${i}];`);
  pairs.forEach(([k], index) => {
    const key = g.node(k, item);
    g.emit(`groupAdd(${groups}, ${key}, ${item}, ${index});`);
  });
  g.emit('}');
  const o = g.name();
  g.emit(`const ${o} = {};`);
  const key = g.name();
  g.emit(`for (const ${key} of keysOf(${groups})) {`);
  const entry = g.name();
  g.emit(`const ${entry} = ${groups}[${key}];`);
  const context = g.name();
  g.emit(`const ${context} = ${entry}.data;`);
  const v = g.variable();
  g.emit(`switch (${entry}.exprIndex) {`);
  pairs.forEach(([, valueNode], index) => {
    g.emit(`case ${index}: {`);
    g.emit(`${v} = ${g.node(valueNode, context)};`);
    g.emit('break; }');
  });
  g.emit('}');
  g.emit(`if (${v} !== undefined) setField(${o}, ${key}, ${v});`);
  g.emit('}');
  return o;
}
