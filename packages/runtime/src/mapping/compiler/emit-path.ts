import { notCompiled, type AstNode } from './ast';
import { emitFilter } from './emit-filter';
import { emitGroup } from './emit-group';
import { emitSortStep } from './emit-sort';
import type { Emitter } from './emitter';

/**
 * evaluatePath / evaluateStep / evaluateFilter / evaluateGroupExpression as loops. Tuple streams (`@`,
 * `#`, `%`) are not compiled: the frames they create per tuple stay the interpreter's.
 */
export function emitPath(g: Emitter, n: AstNode, input: string): string {
  const steps = n.steps ?? [];
  for (const s of steps) {
    if (s.tuple || s.focus !== undefined || s.index !== undefined || s.ancestor !== undefined)
      notCompiled('tuple stream (`@`, `#` or `%`)');
    if (s.stages?.some((st) => st.type !== 'filter')) notCompiled('positional binding `#`');
  }
  if (n.tuple || n.seekingParent) notCompiled('parent operator %');
  const fast = emitNamePath(g, n, input);
  if (fast !== undefined) return fast;
  const sequence = g.name('s'); // reassigned per step, so never handed out as a value
  g.emit(steps[0]?.type === 'variable' ? `let ${sequence} = seq1(${input});` : `let ${sequence} = pathInput(${input});`);
  const result = g.variable();
  const label = g.name('L');
  g.emit(`${label}: {`);
  steps.forEach((step, i) => {
    const last = i === steps.length - 1;
    if (i === 0 && step.consarray) {
      const first = g.name();
      g.emit(`const ${first} = ${sequence};`); // a lambda in the step may capture it
      g.emit(`${result} = ${g.node(step, first)};`);
    } else if (step.type === 'sort') emitSortStep(g, step, sequence, result);
    else emitStep(g, step, sequence, result, last);
    g.emit(`if (${result} === undefined || ${result}.length === 0) break ${label};`);
    if (!last) g.emit(`${sequence} = ${result};`);
  });
  g.emit('}');
  let r = result;
  if (n.keepSingletonArray) r = g.value(`keepSingletonArray(${r})`);
  if (n.group) r = emitGroup(g, n.group, r);
  return r;
}

const plain = (s: AstNode) =>
  !s.predicate && !s.stages && !s.group && !s.keepArray && !s.consarray && !s.tuple && s.focus === undefined && s.index === undefined;

/** `a.b.c` and `$v.a.b` (plain names after an optional plain variable): runtime/name-path.ts. */
function emitNamePath(g: Emitter, n: AstNode, input: string): string | undefined {
  const steps = n.steps ?? [];
  if (n.keepSingletonArray || n.group || !steps.every(plain)) return undefined;
  const [first, ...rest] = steps;
  if (!first) return undefined;
  if (first.type === 'name' && rest.every((s) => s.type === 'name'))
    return g.value(`namePath(${input}, ${g.constant(steps.map((s) => s.value as string))})`);
  if (first.type === 'variable' && rest.length > 0 && rest.every((s) => s.type === 'name')) {
    const value = first.value === '' ? `contextValue(${input})` : g.lookup(first.value as string);
    return g.value(`variablePath(fin(${value}), ${g.constant(rest.map((s) => s.value as string))})`);
  }
  return undefined;
}

/** evaluateStep: the step for each item of the input sequence, stages applied, results flattened. */
function emitStep(g: Emitter, step: AstNode, sequence: string, result: string, last: boolean): void {
  const out = g.name();
  g.emit(`const ${out} = seq();`);
  const i = g.name('i');
  g.emit(`for (let ${i} = 0; ${i} < ${sequence}.length; ${i}++) {`);
  g.emit('if (--METER.n < 0) tick();');
  const item = g.name();
  g.emit(`const ${item} = ${sequence}[${i}];`);
  let v = g.node(step, item);
  for (const stage of step.stages ?? []) v = emitFilter(g, stage.expr, v);
  g.emit(`if (${v} !== undefined) ${out}.push(${v});`);
  g.emit('}');
  g.emit(`${result} = ${last ? 'flattenLast' : 'flatten'}(${out});`);
}
