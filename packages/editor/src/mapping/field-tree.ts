/**
 * The field tree of the mapping editor's two sides: built from a JSON value (the trigger's sample event,
 * a step's output in the last run) or from a JSON Schema (a step's output schema, the operation's request
 * schema). Arrays are transparent, as in JSONata: `tags.name` reads the name of every tag.
 */
export type FieldType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'unknown';

export interface FieldNode {
  key: string;
  /** Keys from the root; arrays add no segment. */
  path: string[];
  type: FieldType;
  /** For arrays: the type of the items. */
  itemType?: FieldType;
  required?: boolean;
  description?: string;
  enum?: unknown[];
  format?: string;
  /** A value seen in a sample or the last run (shortened). */
  example?: unknown;
  children: FieldNode[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const MAX_DEPTH = 8;
const MAX_CHILDREN = 200;

function valueType(v: unknown): FieldType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'object') return typeof v as FieldType;
  return 'unknown';
}

function shorten(v: unknown): unknown {
  return typeof v === 'string' && v.length > 80 ? `${v.slice(0, 77)}...` : v;
}

/** The fields of a JSON value; the items of an array are merged so every key any item has appears. */
export function fieldTreeFromValue(value: unknown, path: string[] = [], depth = 0): FieldNode[] {
  const items = Array.isArray(value) ? value : [value];
  const merged = new Map<string, unknown[]>();
  for (const item of items.slice(0, 50)) {
    if (!isObj(item)) continue;
    for (const [k, v] of Object.entries(item)) {
      if (!merged.has(k)) merged.set(k, []);
      merged.get(k)!.push(v);
    }
  }
  if (depth >= MAX_DEPTH) return [];
  return [...merged.entries()].slice(0, MAX_CHILDREN).map(([key, values]) => {
    const first = values.find((v) => v !== null && v !== undefined) ?? values[0];
    const type = valueType(first);
    const node: FieldNode = { key, path: [...path, key], type, children: [] };
    if (type === 'array') {
      const inner = (first as unknown[]).find((v) => v !== null && v !== undefined);
      node.itemType = inner === undefined ? 'unknown' : valueType(inner);
      node.children = fieldTreeFromValue(values.flat(), node.path, depth + 1);
      if (node.itemType !== 'object') node.example = shorten(inner);
    } else if (type === 'object') {
      node.children = fieldTreeFromValue(values, node.path, depth + 1);
    } else {
      node.example = shorten(first);
    }
    return node;
  });
}

/** Resolve `$ref` (local pointers), merge `allOf`, and take the first object-like branch of anyOf/oneOf. */
export function resolveSchema(schema: unknown, root: unknown, seen: Set<unknown> = new Set()): Obj {
  if (!isObj(schema)) return {};
  let s: Obj = schema;
  let hops = 0;
  while (typeof s.$ref === 'string' && hops++ < 20) {
    const ref = s.$ref;
    if (!ref.startsWith('#')) break;
    const target = ref
      .slice(1)
      .split('/')
      .filter(Boolean)
      .map((p) => decodeURIComponent(p.replace(/~1/g, '/').replace(/~0/g, '~')))
      .reduce<unknown>((o, k) => (isObj(o) ? o[k] : undefined), root);
    if (!isObj(target) || seen.has(target)) return { description: s.description };
    const { $ref: _drop, ...rest } = s;
    s = { ...target, ...rest };
  }
  if (Array.isArray(s.allOf)) {
    const parts = s.allOf.map((p) => resolveSchema(p, root, seen));
    const props: Obj = {};
    const required: string[] = [];
    for (const p of [...parts, s]) {
      if (isObj(p.properties)) Object.assign(props, p.properties);
      if (Array.isArray(p.required)) required.push(...(p.required as string[]));
    }
    const { allOf: _a, ...rest } = s;
    s = { type: 'object', ...rest, properties: props, required };
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    const branches = s[key];
    if (!s.type && Array.isArray(branches) && branches.length) {
      const resolved = branches.map((b) => resolveSchema(b, root, seen));
      const pick = resolved.find((b) => b.type === 'object' || isObj(b.properties)) ?? resolved.find((b) => b.type !== 'null') ?? resolved[0]!;
      const { [key]: _b, ...rest } = s;
      s = { ...pick, ...rest };
    }
  }
  return s;
}

export function schemaType(s: Obj): FieldType {
  const t = Array.isArray(s.type) ? (s.type as string[]).find((x) => x !== 'null') : s.type;
  if (typeof t === 'string') return t as FieldType;
  if (isObj(s.properties)) return 'object';
  if (s.items) return 'array';
  return 'unknown';
}

/** The fields a JSON Schema describes; `root` is the document `$ref`s point into (defaults to the schema). */
export function fieldTreeFromSchema(schema: unknown, root: unknown = schema, path: string[] = [], depth = 0, seen: Set<unknown> = new Set()): FieldNode[] {
  const s = resolveSchema(schema, root, seen);
  const t = schemaType(s);
  const target = t === 'array' ? resolveSchema(s.items, root, seen) : s;
  if (!isObj(target.properties) || depth >= MAX_DEPTH) return [];
  const required = new Set(Array.isArray(target.required) ? (target.required as string[]) : []);
  const next = new Set(seen).add(schema);
  return Object.entries(target.properties)
    .slice(0, MAX_CHILDREN)
    .map(([key, raw]) => {
      const p = resolveSchema(raw, root, next);
      const type = schemaType(p);
      const node: FieldNode = { key, path: [...path, key], type, children: [], required: required.has(key) };
      if (typeof p.description === 'string') node.description = p.description;
      if (Array.isArray(p.enum)) node.enum = p.enum;
      if (typeof p.format === 'string') node.format = p.format;
      if (p.example !== undefined) node.example = shorten(p.example);
      if (type === 'array') node.itemType = schemaType(resolveSchema(p.items, root, next));
      if (type === 'object' || (type === 'array' && node.itemType === 'object')) node.children = fieldTreeFromSchema(raw, root, node.path, depth + 1, next);
      return node;
    });
}

/** Schema fields enriched with what the last run showed (examples, and keys the schema does not list). */
export function mergeFieldTrees(fromSchema: FieldNode[], fromValue: FieldNode[]): FieldNode[] {
  const byKey = new Map(fromValue.map((n) => [n.key, n]));
  const out = fromSchema.map((s) => {
    const v = byKey.get(s.key);
    byKey.delete(s.key);
    if (!v) return s;
    return { ...s, type: s.type === 'unknown' ? v.type : s.type, example: v.example ?? s.example, children: mergeFieldTrees(s.children, v.children) };
  });
  return [...out, ...byKey.values()];
}

/** Find a field by its path. */
export function findField(tree: FieldNode[], path: string[]): FieldNode | undefined {
  let level = tree;
  let found: FieldNode | undefined;
  for (const key of path) {
    found = level.find((n) => n.key === key);
    if (!found) return undefined;
    level = found.children;
  }
  return found;
}

/** Flatten for lists, keyboard navigation and completion. */
export function flattenFields(tree: FieldNode[]): FieldNode[] {
  return tree.flatMap((n) => [n, ...flattenFields(n.children)]);
}
