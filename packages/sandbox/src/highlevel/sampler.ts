import { sample } from 'openapi-sampler';
import { SchemaValidator } from '../core/schema-validator';
import type { HlOperation, JsonSchema } from './spec-loader';

/**
 * Schema-valid examples built from the spec. openapi-sampler prefers the spec's own `example`s, which are
 * not always complete (required fields without example or type): a repair pass fills what the schema
 * still misses, so every answer validates.
 */

const validator = new SchemaValidator();

function byType(schema: JsonSchema | undefined): unknown {
  const type = Array.isArray(schema?.type) ? schema?.type[0] : schema?.type;
  if (Array.isArray(schema?.enum) && schema.enum.length) return schema.enum[0];
  switch (type) {
    case 'number':
    case 'integer':
      return 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      return '';
  }
}

function defaultFor(schema: JsonSchema | undefined): unknown {
  if (!schema) return '';
  const s = sample(schema as never, { skipReadOnly: false, quiet: true });
  return s !== undefined ? s : byType(schema);
}

const unescape = (seg: string) => seg.replace(/~1/g, '/').replace(/~0/g, '~');

function at(root: unknown, instancePath: string): unknown {
  let cur = root;
  for (const seg of instancePath.split('/').slice(1)) cur = (cur as Record<string, unknown>)?.[unescape(seg)];
  return cur;
}

function setAt(root: unknown, instancePath: string, value: unknown): void {
  const segs = instancePath.split('/').slice(1).map(unescape);
  const last = segs.pop();
  if (last === undefined) return;
  const parent = at(root, segs.length ? `/${segs.join('/')}` : '') as Record<string, unknown> | undefined;
  if (parent && typeof parent === 'object') parent[last] = value;
}

/** Makes array items distinct by suffixing their strings with the item index. */
function distinct(items: unknown[]): unknown[] {
  return items.map((item, i) => {
    if (typeof item === 'string') return `${item}${i + 1}`;
    if (typeof item === 'number') return item + i;
    if (item && typeof item === 'object') {
      return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, typeof v === 'string' ? `${v} ${i + 1}` : v]));
    }
    return item;
  });
}

/**
 * The spec's examples are not always valid against the spec itself (an example outside its enum, a number
 * given as a string, identical items where uniqueItems holds, required fields without example): repair
 * those few kinds of defects until the value validates.
 */
export function sampleFromSchema(schema: JsonSchema): unknown {
  const value = sample(schema as never, { skipReadOnly: false, quiet: true });
  for (let round = 0; round < 6; round++) {
    const errors = validator.rawErrors(schema, value);
    if (!errors.length) break;
    for (const e of errors) {
      const parentSchema = e.parentSchema as JsonSchema | undefined;
      if (e.keyword === 'required') {
        const parent = at(value, e.instancePath) as Record<string, unknown> | undefined;
        const missing = (e.params as { missingProperty: string }).missingProperty;
        const props = parentSchema?.properties as Record<string, JsonSchema> | undefined;
        if (parent && typeof parent === 'object') parent[missing] = defaultFor(props?.[missing]);
      } else if (e.keyword === 'enum' || e.keyword === 'type') {
        setAt(value, e.instancePath, byType(parentSchema));
      } else if (e.keyword === 'uniqueItems') {
        const arr = at(value, e.instancePath);
        if (Array.isArray(arr)) setAt(value, e.instancePath, distinct(arr));
      }
    }
  }
  return value;
}

const sampleCache = new WeakMap<HlOperation, unknown>();

/** The answer of an operation the sandbox does not implement over demo data. */
export function sampleAnswer(op: HlOperation): unknown {
  if (!op.successSchema) return { success: true, statusCode: op.successStatus, message: 'OK' };
  let s = sampleCache.get(op);
  if (s === undefined) {
    s = sampleFromSchema(op.successSchema);
    sampleCache.set(op, s);
  }
  return structuredClone(s);
}
