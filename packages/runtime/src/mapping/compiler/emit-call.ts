import { notCompiled, staticDepth, type AstNode } from './ast';
import { BUILTINS, NOT_COMPILED } from './builtins/catalog';
import { declareFrame, markAssigned } from './frames';
import { Frame, type Emitter } from './emitter';

/** The built-in a call's procedure names, when it is a free `$name` (not bound by the expression). */
function builtinOf(g: Emitter, proc: AstNode): string | undefined {
  if (proc.type !== 'variable' || proc.predicate || proc.group || proc.keepArray || proc.stages) return undefined;
  const name = proc.value as string;
  if (!g.isFree(name)) return undefined;
  if (NOT_COMPILED[name]) notCompiled(NOT_COMPILED[name]);
  if (!Object.prototype.hasOwnProperty.call(BUILTINS, name)) return undefined;
  g.builtinNames.add(name);
  return name;
}

/**
 * evaluateFunction: the procedure, then each argument in order (a function argument wrapped, as jsonata
 * wraps it in a new closure), then apply. `first` is the left side of `~>`, passed as it is.
 */
export function emitCall(g: Emitter, n: AstNode, input: string, first?: string): string {
  const proc = n.procedure as AstNode;
  const builtin = builtinOf(g, proc);
  if (builtin !== undefined) {
    const args = (n.arguments ?? []).map((a) => {
      // A lambda passed straight to a built-in that only calls it cannot reach the result (lambdas made in
      // its body still can), so it alone does not make the result need scanning for functions.
      if (CALLS_ITS_FUNCTIONS.has(builtin) && CONSUMABLE.has(a.type) && !a.predicate && !a.group && !a.keepArray)
        g.consumeNextLambda = true;
      return g.node(a, input);
    });
    if (first !== undefined) args.unshift(first);
    return g.value(`BI.${builtinId(builtin)}(${input}, [${args.join(', ')}])`);
  }
  const f = g.node(proc, input);
  const args = (n.arguments ?? []).map((a) => g.value(`argument(${g.node(a, input)})`));
  if (first !== undefined) args.unshift(first);
  return g.value(`callValue(${f}, [${args.join(', ')}], ${input})`);
}

/** The catalog key itself (never text from the expression). */
function builtinId(name: string): string {
  const id = Object.keys(BUILTINS).find((k) => k === name);
  if (id === undefined || !/^[a-zA-Z0-9]+$/.test(id)) return notCompiled(`built-in ${name}`);
  return id;
}

/**
 * A tail call (jsonata's thunk, run by apply's trampoline): arguments are not wrapped, the call's own
 * predicates, group and result normalisation do not apply, and the context a built-in may take is the one
 * of the call that entered the lambda.
 */
export function emitTailCall(g: Emitter, n: AstNode, input: string): string {
  let frame: Frame | undefined = g.frame;
  while (frame && frame.callContext === undefined) frame = frame.parent;
  if (!frame) return notCompiled('tail call outside a lambda body');
  const context = frame.callContext as string;
  const proc = n.procedure as AstNode;
  const builtin = builtinOf(g, proc);
  if (builtin !== undefined) {
    const args = (n.arguments ?? []).map((a) => g.node(a, input));
    return g.value(`BI.${builtinId(builtin)}(${context}, [${args.join(', ')}])`);
  }
  const f = g.node(proc, input);
  const args = (n.arguments ?? []).map((a) => g.node(a, input));
  return g.value(`callValue(${f}, [${args.join(', ')}], ${context})`);
}

/** Function-making nodes whose value such a built-in consumes. */
const CONSUMABLE = new Set(['lambda', 'regex', 'partial']);

/** Built-ins that call the functions they are given and never return them. */
const CALLS_ITS_FUNCTIONS = new Set(['map', 'filter', 'reduce', 'sort', 'single', 'each', 'sift', 'match', 'contains', 'split', 'replace']);

/** evaluateLambda: a function value closing over the current frame and input. */
export function emitLambda(g: Emitter, n: AstNode, input: string): string {
  if (!g.consumeNextLambda) g.makesFunctions = true;
  g.consumeNextLambda = false;
  const params = (n.arguments ?? []).map((a) => a.value as string);
  const context = g.name('c');
  const frame = new Frame(g.frame, context);
  const js = params.map(() => g.name('p'));
  params.forEach((p, i) => {
    frame.vars.set(p, js[i] as string);
    frame.assigned.add(p);
  });
  const cost = staticDepth(n.body) + 2;
  const lines = g.body(() =>
    g.inFrame(frame, () => {
      g.emit(`enter(${cost});`);
      declareFrame(g, frame, [n.body as AstNode]);
      const r = emitTail(g, n.body as AstNode, input, 0);
      g.emit(`leave(${cost});`);
      g.emit(`return ${r};`);
    }),
  );
  const f = g.name();
  const signature = n.signature ? g.constant(n.signature) : 'undefined';
  g.emit(`const ${f} = new Fn(function (${[context, ...js].join(', ')}) {`);
  for (const line of lines) g.emit(line);
  g.emit(`}, ${params.length}, ${signature}, true);`);
  return f;
}

/**
 * A lambda body's tail chain (tailCallOptimize): conditions and the last expression of blocks pass a tail
 * call's result through untouched; every other result gets the normalisation of each level it passes.
 */
function emitTail(g: Emitter, n: AstNode, input: string, fins: number): string {
  if (n.type === 'lambda' && n.thunk) return emitTailCall(g, n.body as AstNode, input);
  if (!hasThunk(n)) {
    let r = g.node(n, input);
    for (let i = 0; i < fins; i++) r = g.value(`fin(${r})`);
    return r;
  }
  if (n.predicate || n.group || n.keepArray || n.stages) return notCompiled('tail call under a predicate or grouping');
  const r = g.variable();
  if (n.type === 'condition') {
    const c = g.node(n.condition as AstNode, input);
    g.emit(g.kindOf(c) === 'boolean' ? `if (${c}) {` : `if (toBoolean(${c})) {`);
    g.emit(`${r} = ${emitTail(g, n.then as AstNode, input, fins + 1)};`);
    if (n.else !== undefined) {
      g.emit('} else {');
      g.emit(`${r} = ${emitTail(g, n.else, input, fins + 1)};`);
    }
    g.emit('}');
    return r;
  }
  const frame = new Frame(g.frame);
  const exprs = n.expressions ?? [];
  g.emit('{');
  g.inFrame(frame, () => {
    declareFrame(g, frame, exprs);
    exprs.forEach((e, i) => {
      g.emit(`${r} = ${i === exprs.length - 1 ? emitTail(g, e, input, fins + 1) : g.node(e, input)};`);
      markAssigned(frame, e);
    });
  });
  g.emit('}');
  return r;
}

function hasThunk(n: AstNode | undefined): boolean {
  if (!n) return false;
  if (n.type === 'lambda') return n.thunk === true;
  if (n.type === 'condition') return hasThunk(n.then) || hasThunk(n.else);
  if (n.type === 'block') return hasThunk(n.expressions?.[n.expressions.length - 1]);
  return false;
}

/** `lhs ~> f(…)` calls f with lhs first; `lhs ~> $f` applies a function value (T2006 otherwise). */
export function emitApply(g: Emitter, n: AstNode, input: string): string {
  const lhs = g.node(n.lhs as AstNode, input);
  const rhs = n.rhs as AstNode;
  if (rhs.type === 'function') return emitCall(g, rhs, input, lhs);
  const f = g.node(rhs, input);
  return g.value(`applyTo(${lhs}, ${f})`);
}

/**
 * evaluatePartialApplication: the arguments first (as they are, `?` kept as a placeholder), then the
 * procedure; runtime/partial.ts makes the lambda.
 */
export function emitPartial(g: Emitter, n: AstNode, input: string): string {
  const consumed = g.consumeNextLambda;
  g.consumeNextLambda = false;
  const args = (n.arguments ?? []).map((a) => (a.type === 'operator' && a.value === '?' ? 'PLACEHOLDER' : g.node(a, input)));
  const f = g.node(n.procedure as AstNode, input);
  if (!consumed) g.makesFunctions = true;
  return g.value(`partial(${f}, [${args.join(', ')}])`);
}

/** evaluateRegex: a matcher function on the interpreter's own linear-time engine (builtins/regex.ts). */
export function emitRegex(g: Emitter, n: AstNode): string {
  if (!(n.value instanceof RegExp)) return notCompiled('regular expression');
  if (!g.consumeNextLambda) g.makesFunctions = true;
  g.consumeNextLambda = false;
  return g.value(`regexFunction(${g.constant(n.value)})`);
}
