import { notCompiled, type AstNode } from './ast';
import { emitCall, emitLambda, emitApply, emitPartial, emitRegex } from './emit-call';
import { emitTransform } from './emit-transform';
import { emitFilter } from './emit-filter';
import { emitGroup } from './emit-group';
import { emitPath } from './emit-path';
import { Frame, type Emitter } from './emitter';
import { declareFrame, markAssigned, onlyCalled } from './frames';

/**
 * evaluate(): one AST node to a JavaScript expression (a temporary or constant) holding exactly the value
 * jsonata's evaluate() returns for it, its predicates, group and result normalisation included.
 */
export function emitNode(g: Emitter, n: AstNode, input: string): string {
  let r = emitRaw(g, n, input);
  let mayBeSequence = canBeSequence(n);
  if (n.predicate) {
    for (const p of n.predicate) r = emitFilter(g, p.expr, r);
    mayBeSequence = true;
  }
  if (n.type !== 'path' && n.group) {
    r = emitGroup(g, n.group, r);
    mayBeSequence = false;
  }
  if (mayBeSequence) r = g.value(`${n.keepArray ? 'finK' : 'fin'}(${r})`);
  return r;
}

function canBeSequence(n: AstNode): boolean {
  switch (n.type) {
    case 'string':
    case 'number':
    case 'value':
    case 'lambda':
    case 'regex':
      return false;
    case 'binary':
      return n.value === '..';
    case 'unary':
      return false;
    default:
      return true;
  }
}

const BINARY: Record<string, string> = {
  '+': 'add',
  '-': 'sub',
  '*': 'mul',
  '/': 'div',
  '%': 'mod',
  '=': 'eq',
  '!=': 'ne',
  '<': 'lt',
  '<=': 'le',
  '>': 'gt',
  '>=': 'ge',
  '&': 'concat',
  in: 'includes',
  '..': 'range',
};
/** Operators whose value is true, false or undefined (JavaScript truthiness then equals fn.boolean). */
const BOOLEAN_RESULT = new Set(['=', '!=', 'in', '<', '<=', '>', '>=']);

function emitRaw(g: Emitter, n: AstNode, input: string): string {
  switch (n.type) {
    case 'path':
      return emitPath(g, n, input);
    case 'name':
      return g.value(`lookup(${input}, ${g.constant(n.value)})`);
    case 'string':
      return g.value(g.constant(n.value), 'string');
    case 'number':
      return g.value(g.constant(n.value), 'number');
    case 'value':
      return n.value === null ? 'null' : n.value === true ? 'true' : n.value === false ? 'false' : notCompiled('unknown literal');
    case 'variable':
      return n.value === '' ? g.value(`contextValue(${input})`) : g.value(g.lookup(n.value as string));
    case 'binary':
      return emitBinary(g, n, input);
    case 'unary':
      return emitUnary(g, n, input);
    case 'condition':
      return emitCondition(g, n, input);
    case 'block':
      return emitBlock(g, n, input);
    case 'bind':
      return emitBind(g, n, input);
    case 'function':
      return emitCall(g, n, input);
    case 'lambda':
      if (n.thunk) return notCompiled('tail call outside a lambda body');
      return emitLambda(g, n, input);
    case 'apply':
      return emitApply(g, n, input);
    case 'partial':
      return emitPartial(g, n, input);
    case 'wildcard':
      return g.value(`wildcard(${input})`);
    case 'descendant':
      return g.value(`descendants(${input})`);
    case 'regex':
      return emitRegex(g, n);
    case 'parent':
      return notCompiled('parent operator %');
    case 'transform':
      return emitTransform(g, n);
    case 'sort':
      return notCompiled('order-by outside a path');
    default:
      return notCompiled(`${n.type} expression`);
  }
}

function emitBinary(g: Emitter, n: AstNode, input: string): string {
  const op = n.value as string;
  const lhs = emitNode(g, n.lhs as AstNode, input);
  if (op === 'and' || op === 'or') {
    const r = g.variable();
    g.emit(`${r} = boolize(${lhs});`);
    g.emit(op === 'and' ? `if (${r}) {` : `if (!${r}) {`);
    const rhs = emitNode(g, n.rhs as AstNode, input);
    g.emit(`${r} = boolize(${rhs});`);
    g.emit('}');
    g.setKind(r, 'boolean');
    return r;
  }
  const rhs = emitNode(g, n.rhs as AstNode, input);
  const helper = BINARY[op];
  if (!helper) return notCompiled(`operator ${op}`);
  return g.value(`${helper}(${lhs}, ${rhs})`, BOOLEAN_RESULT.has(op) ? 'boolean' : op === '&' ? 'string' : undefined);
}

function emitUnary(g: Emitter, n: AstNode, input: string): string {
  if (n.value === '-') return g.value(`negate(${emitNode(g, n.expression as AstNode, input)})`);
  if (n.value === '{') return emitGroup(g, { lhs: n.lhs as Array<[AstNode, AstNode]> }, input);
  if (n.value !== '[') return notCompiled(`unary ${String(n.value)}`);
  // evaluateUnary '[': jsonata evaluates the items concurrently (Promise.all); frames.ts refuses a `:=`
  // that could observe the order, so evaluating them in order is the same.
  const a = g.name();
  g.emit(`const ${a} = [];`);
  for (const item of n.expressions ?? []) {
    const v = emitNode(g, item, input);
    if (item.value === '[') g.emit(`if (${v} !== undefined) ${a}.push(${v});`);
    else g.emit(`if (${v} !== undefined) appendInto(${a}, ${v});`);
  }
  if (n.consarray) g.emit(`markCons(${a});`);
  return a;
}

/** `c ? a : b`; fn.boolean decides, unless the condition is known to be a boolean. */
function emitCondition(g: Emitter, n: AstNode, input: string): string {
  const c = emitNode(g, n.condition as AstNode, input);
  const r = g.variable();
  g.emit(g.kindOf(c) === 'boolean' ? `if (${c}) {` : `if (toBoolean(${c})) {`);
  g.emit(`${r} = ${emitNode(g, n.then as AstNode, input)};`);
  if (n.else !== undefined) {
    g.emit('} else {');
    g.emit(`${r} = ${emitNode(g, n.else, input)};`);
  }
  g.emit('}');
  return r;
}

/** `( a; b; c )`: a new frame; the value of the last expression. */
function emitBlock(g: Emitter, n: AstNode, input: string): string {
  const r = g.variable();
  const frame = new Frame(g.frame);
  g.emit('{');
  g.inFrame(frame, () => {
    declareFrame(g, frame, n.expressions ?? []);
    for (const e of n.expressions ?? []) {
      g.emit(`${r} = ${emitNode(g, e, input)};`);
      markAssigned(frame, e);
    }
  });
  g.emit('}');
  return r;
}

function emitBind(g: Emitter, n: AstNode, input: string): string {
  const rhs = n.rhs as AstNode;
  const name = (n.lhs as AstNode).value as string;
  if (rhs.type === 'lambda' && !rhs.predicate && !rhs.group && !rhs.keepArray && onlyCalled(g.frame.body, name)) g.consumeNextLambda = true;
  const v = emitNode(g, rhs, input);
  g.emit(`${g.bindTarget((n.lhs as AstNode).value as string)} = ${v};`);
  return v;
}
