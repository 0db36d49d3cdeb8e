import { notCompiled, type AstNode } from './ast';
import type { Emitter, Frame } from './emitter';

const SKIP = new Set(['signature', 'position', 'slot', 'ancestor', 'seekingParent', 'value']);

/**
 * The names a `:=` binds in the frame whose body is `nodes` (jsonata binds into the frame current where
 * the `:=` is evaluated: the nearest block, lambda invocation or the evaluation's own frame).
 * jsonata evaluates the items of `[...]` and the values of `{...}` concurrently (Promise.all), so a `:=`
 * there could be seen by a sibling or not depending on await order: such expressions stay interpreted.
 */
export function framesBinds(nodes: AstNode[]): string[] {
  const names = new Set<string>();
  const visit = (node: unknown, concurrent: boolean): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const n of node) visit(n, concurrent);
      return;
    }
    const n = node as AstNode;
    if (n.type === 'block' || (n.type === 'lambda' && !n.thunk)) return; // a frame of its own
    if (n.type === 'bind') {
      if (concurrent) notCompiled('`:=` inside an array or object constructor (jsonata evaluates those concurrently)');
      names.add((n.lhs as AstNode).value as string);
      visit(n.rhs, concurrent);
      return;
    }
    for (const key of Object.keys(n)) {
      if (SKIP.has(key)) continue;
      const child = (n as unknown as Record<string, unknown>)[key];
      if (n.type === 'unary' && n.value === '[' && key === 'expressions') visit(child, true);
      else if (n.type === 'unary' && n.value === '{' && key === 'lhs') visitPairs(child as AstNode[][], concurrent);
      else if (key === 'group') visitPairs((child as { lhs: AstNode[][] }).lhs, concurrent);
      else if (key === 'terms') visit(child, true);
      else visit(child, concurrent);
    }
  };
  const visitPairs = (pairs: AstNode[][], concurrent: boolean): void => {
    for (const [key, value] of pairs) {
      visit(key, concurrent); // keys are evaluated in order, item by item
      visit(value, true);
    }
  };
  for (const n of nodes) visit(n, false);
  return [...names];
}

/** Declares the JavaScript variables of the names `nodes` bind in `frame` (all start unbound). */
export function declareFrame(g: Emitter, frame: Frame, nodes: AstNode[]): void {
  frame.body = nodes;
  for (const name of framesBinds(nodes)) {
    if (frame.vars.has(name)) continue; // a lambda parameter
    const js = g.name('v');
    frame.vars.set(name, js);
    g.emit(`let ${js} = UNSET;`);
  }
}

/** After a top-level `$x := …` of a block, `$x` is bound for what follows. */
export function markAssigned(frame: Frame, e: AstNode): void {
  for (let b: AstNode | undefined = e; b && b.type === 'bind' && !b.predicate && !b.group; b = b.rhs) {
    frame.assigned.add((b.lhs as AstNode).value as string);
  }
}

/**
 * True when every `$name` in `nodes` is the function of a call (`$name(...)`): a lambda bound to it is
 * then only ever called, never handed out as a value, so it cannot reach the result.
 */
export function onlyCalled(nodes: unknown, name: string): boolean {
  const calls = new Set<unknown>();
  let ok = true;
  const visit = (node: unknown): void => {
    if (!ok || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const n of node) visit(n);
      return;
    }
    const n = node as AstNode;
    if (n.type === 'bind') return visit(n.rhs); // the name being bound is no use of it
    if ((n.type === 'function' || n.type === 'partial') && n.procedure) calls.add(n.procedure);
    if (n.type === 'variable' && n.value === name && (!calls.has(n) || n.predicate || n.group || n.keepArray)) ok = false;
    for (const key of Object.keys(n)) if (!SKIP.has(key)) visit((n as unknown as Record<string, unknown>)[key]);
  };
  visit(nodes);
  return ok;
}
