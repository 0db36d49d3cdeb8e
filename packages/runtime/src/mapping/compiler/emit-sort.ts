import type { AstNode } from './ast';
import { emitFilter } from './emit-filter';
import type { Emitter } from './emitter';

/**
 * An order-by step `^(a, >b)` (evaluateSortExpression). jsonata evaluates the terms inside its merge
 * sort's comparator; they are pure (frames.ts keeps `:=` out of them), so each item's terms are evaluated
 * once up front and the same merge sort runs on them (runtime/sort.ts), making the same comparisons.
 */
export function emitSortStep(g: Emitter, step: AstNode, sequence: string, result: string): void {
  const terms = step.terms ?? [];
  g.emit(`if (${sequence}.tupleStream) fail();`);
  const keys = g.name();
  g.emit(`const ${keys} = [];`);
  g.emit(`if (${sequence}.length > 1) {`);
  const i = g.name('i');
  g.emit(`for (let ${i} = 0; ${i} < ${sequence}.length; ${i}++) {`);
  g.emit('if (--METER.n < 0) tick();');
  const item = g.name();
  g.emit(`const ${item} = ${sequence}[${i}];`);
  const values = terms.map((t) => g.node(t.expression, item));
  g.emit(`${keys}.push([${values.join(', ')}]);`);
  g.emit('}');
  g.emit('}');
  const descending = g.constant(terms.map((t) => t.descending === true));
  let r = g.value(`orderBy(${sequence}, ${keys}, ${descending})`);
  for (const stage of step.stages ?? []) r = emitFilter(g, stage.expr, r);
  g.emit(`${result} = ${r};`);
}
