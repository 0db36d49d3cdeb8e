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
  private readonly ajvs: Record<'strict' | 'coercing' | 'verbose', Ajv>;
  private readonly caches = {
    strict: new WeakMap<object, ValidateFunction>(),
    coercing: new WeakMap<object, ValidateFunction>(),
    verbose: new WeakMap<object, ValidateFunction>(),
  };

  constructor() {
    // strict: false because OpenAPI schemas carry keywords JSON Schema does not know (example, ...).
    this.ajvs = {
      strict: addFormats(new Ajv({ allErrors: true, strict: false })),
      coercing: addFormats(new Ajv({ allErrors: true, strict: false, coerceTypes: true })),
      verbose: addFormats(new Ajv({ allErrors: true, strict: false, verbose: true })),
    };
  }

  private compile(schema: object, kind: 'strict' | 'coercing' | 'verbose'): ValidateFunction {
    const cache = this.caches[kind];
    let fn = cache.get(schema);
    if (!fn) {
      try {
        fn = this.ajvs[kind].compile(schema);
      } catch (err) {
        // A schema ajv cannot compile must not take the stand-in down: accept, and say so once.
        process.stderr.write(`sandbox: schema not compilable, validation skipped: ${(err as Error).message}\n`);
        fn = Object.assign(() => true, { errors: null }) as unknown as ValidateFunction;
      }
      cache.set(schema, fn);
    }
    return fn;
  }

  /** Raw ajv errors with `parentSchema` (for repairing generated examples). */
  rawErrors(schema: object, value: unknown): ErrorObject[] {
    const fn = this.compile(schema, 'verbose');
    return fn(value) ? [] : [...(fn.errors ?? [])];
  }

  /** Validates a JSON value; returns one message per problem (empty when valid). */
  validate(schema: object, value: unknown, opts: { coerce?: boolean; root?: string } = {}): string[] {
    const fn = this.compile(schema, opts.coerce ? 'coercing' : 'strict');
    if (fn(value)) return [];
    return (fn.errors ?? []).map((e) => formatAjvError(e, opts.root));
  }
}
