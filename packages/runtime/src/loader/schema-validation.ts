import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import flowSchema from '../../../../schemas/flow.schema.json' with { type: 'json' };
import { didYouMean } from './closest-match';
import type { FieldPath } from './source-map';

/** A schema problem before it gets a source location. */
export interface SchemaProblem {
  path: FieldPath;
  /** Point at the key rather than the value (unknown fields). */
  atKey?: boolean;
  code: string;
  message: string;
}

/**
 * `schemas/flow.schema.json` compiled once. Step and trigger kinds are `oneOf` branches told apart by
 * `type`; ajv would report the failures of every branch, so the schema is rewritten in memory into
 * `if type = X then branch X` and users only see the errors of the kind they wrote.
 */
function discriminateByType(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(discriminateByType);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = discriminateByType(v);
  const branches = out.oneOf as Array<{ properties?: { type?: { const?: string } } }> | undefined;
  if (Array.isArray(branches) && branches.every((b) => typeof b?.properties?.type?.const === 'string')) {
    delete out.oneOf;
    out.allOf = branches.map((b) => ({ if: { required: ['type'], properties: { type: { const: b.properties!.type!.const } } }, then: b }));
  }
  return out;
}

const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: false });
const validateSchema = ajv.compile(discriminateByType(flowSchema) as object);

export function schemaProblems(data: unknown): SchemaProblem[] {
  if (validateSchema(data)) return [];
  const errors = validateSchema.errors ?? [];
  const oneOfs = errors.filter((e) => e.keyword === 'oneOf');
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'if' || e.keyword === 'propertyNames') continue;
    if (oneOfs.some((o) => o !== e && o.instancePath === e.instancePath && e.schemaPath.startsWith(`${o.schemaPath}/`))) continue;
    const p = describe(e, data);
    const key = `${p.code}|${p.path.join('/')}|${p.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(p);
    }
  }
  return problems;
}

function toPath(instancePath: string): FieldPath {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function valueAt(data: unknown, path: FieldPath): unknown {
  let v = data;
  for (const seg of path) v = v && typeof v === 'object' ? (v as Record<string | number, unknown>)[seg] : undefined;
  return v;
}

/** "in step `fetchTags`", "in the trigger", ... so the user knows which block is meant. */
export function contextOf(data: unknown, path: FieldPath): string {
  for (let i = path.length; i >= 2; i--) {
    const container = path[i - 2];
    if (typeof path[i - 1] === 'number' && (container === 'steps' || container === 'then' || container === 'else')) {
      const step = valueAt(data, path.slice(0, i)) as { id?: unknown } | undefined;
      return typeof step?.id === 'string'
        ? ` in step \`${step.id}\``
        : ` in step #${(path[i - 1] as number) + 1} of \`${String(container)}\``;
    }
  }
  if (path[0] === 'trigger') return ' in the trigger';
  if (path[0] === 'credentials' && path.length >= 2) return ` in credential \`${String(path[1])}\``;
  if (typeof path[0] === 'string' && path.length >= 2) return ` in \`${path[0]}\``;
  if (path.length === 1) return '';
  return ' at the top level';
}

const TYPE_NAMES: Record<string, string> = {
  integer: 'a whole number',
  number: 'a number',
  string: 'a text string',
  boolean: 'true or false',
  object: 'a mapping (key: value lines)',
  array: 'a list (lines starting with `-`)',
  null: 'null',
};

function typeOfValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'number') return Number.isInteger(v) ? 'a whole number' : 'a number';
  if (typeof v === 'string') return `the text ${JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v)}`;
  return String(v);
}

function describe(e: ErrorObject, data: unknown): SchemaProblem {
  const path = toPath(e.instancePath);
  const parent = path.slice(0, -1);
  const field = path.length ? `\`${String(path[path.length - 1])}\`` : 'the flow';
  const fieldContext = contextOf(data, path);
  const ownContext = contextOf(data, parent.length || path.length > 1 ? parent : path);
  const parentSchema = (e.parentSchema ?? {}) as { properties?: Record<string, unknown>; description?: string };
  switch (e.keyword) {
    case 'additionalProperties': {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys(parentSchema.properties ?? {});
      const hint = allowed.length ? `: allowed fields are ${allowed.join(', ')}` : '';
      return {
        path: [...path, extra],
        atKey: true,
        code: 'FLOW_UNKNOWN_FIELD',
        message: `unknown field \`${extra}\`${contextOf(data, [...path, extra])}${hint}${didYouMean(extra, allowed)}`,
      };
    }
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      const where = path.length ? contextOf(data, [...path, missing]) : ' at the top level';
      return { path, code: 'FLOW_MISSING_FIELD', message: `missing required field \`${missing}\`${where}: add \`${missing}: ...\`` };
    }
    case 'type': {
      const want = String((e.params as { type: string | string[] }).type)
        .split(',')
        .map((t) => TYPE_NAMES[t] ?? t)
        .join(' or ');
      return { path, code: 'FLOW_WRONG_TYPE', message: `${field}${fieldContext} must be ${want}, not ${typeOfValue(e.data)}` };
    }
    case 'const':
      return {
        path,
        code: 'FLOW_INVALID_VALUE',
        message: `${field}${fieldContext} must be \`${String((e.params as { allowedValue: unknown }).allowedValue)}\``,
      };
    case 'enum': {
      const allowed = ((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String);
      const isKind = path[path.length - 1] === 'type';
      const what = isKind ? (path[0] === 'trigger' && path.length === 2 ? 'trigger type' : 'step type') : `value for ${field}`;
      return {
        path,
        code: isKind ? 'FLOW_UNKNOWN_TYPE' : 'FLOW_INVALID_VALUE',
        message: `unknown ${what} \`${String(e.data)}\`${isKind ? ownContext : fieldContext}: use one of ${allowed.join(', ')}${didYouMean(String(e.data), allowed)}`,
      };
    }
    case 'pattern': {
      const name = (e as ErrorObject & { propertyName?: string }).propertyName;
      if (name !== undefined) {
        return {
          path: [...path, name],
          atKey: true,
          code: 'FLOW_INVALID_VALUE',
          message: `name \`${name}\`${fieldContext} is not valid: use a letter, then letters, digits, \`_\` or \`-\``,
        };
      }
      const hint = parentSchema.description ? `: ${parentSchema.description}` : '';
      return { path, code: 'FLOW_INVALID_VALUE', message: `${field}${fieldContext} has an invalid value ${typeOfValue(e.data)}${hint}` };
    }
    case 'minItems': {
      const limit = (e.params as { limit: number }).limit;
      return { path, code: 'FLOW_INVALID_VALUE', message: `${field}${fieldContext} needs at least ${limit} entr${limit === 1 ? 'y' : 'ies'}` };
    }
    case 'oneOf':
      return {
        path,
        code: 'FLOW_INVALID_VALUE',
        message: `${field}${fieldContext} is not valid: ${parentSchema.description ?? 'it matches none of the allowed forms'}`,
      };
    default:
      return { path, code: 'FLOW_INVALID_VALUE', message: `${field}${fieldContext} ${e.message ?? 'is not valid'}` };
  }
}
