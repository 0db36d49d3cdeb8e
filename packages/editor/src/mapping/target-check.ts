import { resolveSchema, schemaType, type FieldType } from './field-tree';

/**
 * Checks a mapping against the target (the operation's request schema) before anything runs: required
 * fields left unmapped, and values whose type does not fit, judged from the live preview's output (or
 * from the literal written in the YAML when there is no preview yet).
 */
export interface MappingIssue {
  kind: 'unmapped-required' | 'type-mismatch' | 'unknown-field';
  /** Path under the mapped section, e.g. ['tagIds']. */
  path: string[];
  message: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function jsonType(v: unknown): FieldType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v as FieldType;
}

function fits(expected: FieldType, actual: FieldType, schema: Obj): boolean {
  if (expected === 'unknown') return true;
  if (actual === 'null') return Array.isArray(schema.type) && (schema.type as string[]).includes('null') || schema.nullable === true;
  if (expected === 'number') return actual === 'number' || actual === 'integer';
  return expected === actual;
}

const describe = (t: FieldType) => (t === 'integer' ? 'a whole number' : t === 'array' ? 'a list' : t === 'object' ? 'an object' : `a ${t}`);

/**
 * @param schema  target schema of the section (e.g. the body schema)
 * @param mapping the section as written in the YAML (`with.body`): expressions (`=...`) and literals
 * @param output  the preview's evaluated value of the section, when available
 */
export function checkMapping(schema: unknown, mapping: unknown, output?: unknown, root: unknown = schema, path: string[] = []): MappingIssue[] {
  const s = resolveSchema(schema, root);
  const issues: MappingIssue[] = [];
  const written = isObj(mapping) ? mapping : undefined;
  const isExpression = typeof mapping === 'string' && mapping.startsWith('=');
  // Judge the evaluated value when the preview has one, else a literal as written (expressions wait for the preview).
  const value = output !== undefined ? output : !isExpression && !written ? mapping : undefined;
  const where = path.join('.') || 'value';
  if (value !== undefined) {
    const expected = schemaType(s);
    const actual = jsonType(value);
    if (!fits(expected, actual, s)) {
      const shown = actual !== 'object' && actual !== 'array' ? ` (${JSON.stringify(value)})` : '';
      issues.push({ kind: 'type-mismatch', path, message: `${where} should be ${describe(expected)} but is ${describe(actual)}${shown}.` });
      return issues;
    }
    if (Array.isArray(s.enum) && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
      issues.push({ kind: 'type-mismatch', path, message: `${where} should be one of ${s.enum.map((e) => JSON.stringify(e)).join(', ')}.` });
    }
  }
  if (schemaType(s) !== 'object' || !isObj(s.properties)) return issues;
  const props = s.properties;
  const required = Array.isArray(s.required) ? (s.required as string[]) : [];
  const outObj = isObj(output) ? output : undefined;
  for (const key of required) {
    if (!(written && key in written) && !(outObj && key in outObj)) issues.push({ kind: 'unmapped-required', path: [...path, key], message: `${[...path, key].join('.')} is required and not mapped.` });
  }
  for (const [key, sub] of Object.entries(props)) {
    const w = written?.[key];
    const o = outObj?.[key];
    if (w === undefined && o === undefined) continue;
    issues.push(...checkMapping(sub, w, o, root, [...path, key]));
  }
  if (written && s.additionalProperties === false) {
    for (const key of Object.keys(written)) if (!(key in props)) issues.push({ kind: 'unknown-field', path: [...path, key], message: `${[...path, key].join('.')} is not a field of the request; remove it.` });
  }
  return issues;
}
