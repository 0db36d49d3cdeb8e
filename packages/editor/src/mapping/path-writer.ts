/**
 * What dragging a source field onto a target field writes: a JSONata path such as
 * `$event.customer.email` or `$steps.fetchTags.tags.name`. Keys that are not plain names are quoted with
 * backticks; a key containing a backtick (which JSONata cannot quote) is read with `$lookup`.
 */
export type SourceRoot = { kind: 'event' } | { kind: 'step'; stepId: string } | { kind: 'env' } | { kind: 'item' };

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Words JSONata reads as operators or literals when they appear bare in a path. */
const RESERVED = new Set(['and', 'or', 'in', 'true', 'false', 'null', 'function']);

export function rootExpression(root: SourceRoot): string {
  switch (root.kind) {
    case 'event':
      return '$event';
    case 'env':
      return '$env';
    case 'item':
      return '$item';
    case 'step':
      return `$steps.${quoteKey(root.stepId)}`;
  }
}

/** One path segment as JSONata: `name`, or `` `odd key` ``. */
export function quoteKey(key: string): string {
  if (PLAIN_NAME.test(key) && !RESERVED.has(key)) return key;
  return `\`${key}\``;
}

/** The JSONata path of a field under a source root. */
export function jsonataPath(root: SourceRoot, path: string[]): string {
  let expr = rootExpression(root);
  for (const key of path) {
    expr = key.includes('`') ? `$lookup(${expr}, ${JSON.stringify(key)})` : `${expr}.${quoteKey(key)}`;
  }
  return expr;
}

/** The YAML value of a `with` field mapped to an expression (strings starting with `=` are JSONata). */
export function mappingValue(expression: string): string {
  return `=${expression}`;
}

/** The expression of a `with` value, or undefined when the value is a literal. */
export function expressionOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.startsWith('=') ? value.slice(1) : undefined;
}

/**
 * Parse a simple path expression back into root + keys (for highlighting which source a target uses).
 * Returns undefined for anything that is more than a path.
 */
export function parseSimplePath(expression: string): { root: SourceRoot; path: string[] } | undefined {
  const m = /^\s*\$(event|env|item|steps)\b(.*?)\s*$/.exec(expression);
  if (!m) return undefined;
  const keys: string[] = [];
  let rest = m[2]!;
  while (rest.length) {
    const q = /^\.`([^`]*)`/.exec(rest) ?? /^\.([A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
    if (!q) return undefined;
    keys.push(q[1]!);
    rest = rest.slice(q[0].length);
  }
  if (m[1] === 'steps') {
    const stepId = keys.shift();
    return stepId ? { root: { kind: 'step', stepId }, path: keys } : undefined;
  }
  return { root: { kind: m[1] as 'event' | 'env' | 'item' }, path: keys };
}
