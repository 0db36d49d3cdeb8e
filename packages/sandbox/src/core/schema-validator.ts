import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';

/**
 * JSON Schema validation (ajv) for requests and answers. Messages read like HighLevel's class-validator
 * messages: `<field path> <problem>`, e.g. `profileIds must NOT have fewer than 1 items`.
 */

// ajv-formats is CommonJS; under ESM the plugin is the default export's default.
const addFormats = ((addFormatsImport as unknown as { default?: unknown }).default ?? addFormatsImport) as (ajv: Ajv) => Ajv;

function fieldPath(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
}

export function formatAjvError(e: ErrorObject, root = ''): string {
  let path = fieldPath(e.instancePath);
  if (e.keyword === 'required') {
    const missing = (e.params as { missingProperty: string }).missingProperty;
    path = path ? `${path}.${missing}` : missing;
    return `${root}${path} should not be empty (it is required)`;
  }
  if (e.keyword === 'enum') {
    const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
    return `${root}${path || '(body)'} must be one of the following values: ${allowed.join(', ')}`;
  }
  return `${root}${path || '(body)'} ${e.message ?? 'is invalid'}`;
}

export class SchemaValidator {
  private readonly strictAjv: Ajv;
  private readonly coercingAjv: Ajv;
  private readonly cache = new WeakMap<object, ValidateFunction>();
  private readonly coercingCache = new WeakMap<object, ValidateFunction>();

  constructor() {
    // strict: false because OpenAPI schemas carry keywords JSON Schema does not know (example, ...).
    this.strictAjv = addFormats(new Ajv({ allErrors: true, strict: false }));
    this.coercingAjv = addFormats(new Ajv({ allErrors: true, strict: false, coerceTypes: true }));
  }

  private compile(schema: object, coerce: boolean): ValidateFunction {
    const cache = coerce ? this.coercingCache : this.cache;
    let fn = cache.get(schema);
    if (!fn) {
      fn = (coerce ? this.coercingAjv : this.strictAjv).compile(schema);
      cache.set(schema, fn);
    }
    return fn;
  }

  /** Validates a JSON value; returns one message per problem (empty when valid). */
  validate(schema: object, value: unknown, opts: { coerce?: boolean; root?: string } = {}): string[] {
    const fn = this.compile(schema, opts.coerce ?? false);
    if (fn(value)) return [];
    return (fn.errors ?? []).map((e) => formatAjvError(e, opts.root));
  }
}
