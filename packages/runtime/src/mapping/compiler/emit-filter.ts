import type { AstNode } from './ast';
import type { Emitter } from './emitter';

/** evaluateFilter: `[n]` picks by position; any other predicate keeps items by number or truth. */
export function emitFilter(g: Emitter, predicate: AstNode, input: string): string {
  if (predicate.type === 'number') return g.value(`pick(${input}, ${g.constant(Math.floor(predicate.value as number))})`);
  const list = g.value(`filterInput(${input})`);
  const results = g.name();
  g.emit(`const ${results} = seq();`);
  g.emit(`if (${input} && ${input}.tupleStream) fail();`);
  const j = g.name('i');
  g.emit(`for (let ${j} = 0; ${j} < ${list}.length; ${j}++) {`);
  g.emit('if (--METER.n < 0) tick();');
  const item = g.name();
  g.emit(`const ${item} = ${list}[${j}];`);
  const res = g.node(predicate, item);
  if (g.kindOf(res) === 'boolean') g.emit(`if (${res}) ${results}.push(${item});`);
  else {
    const c = g.name('i');
    g.emit(`for (let ${c} = selectCount(${res}, ${j}, ${list}.length); ${c} > 0; ${c}--) ${results}.push(${item});`);
  }
  g.emit('}');
  g.emit(`checkLength(${results}.length);`);
  return results;
}
