import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { MappingError } from '../errors';

const ajv = new Ajv2020({ allErrors: true, strict: false });
const compiled = new WeakMap<object, ValidateFunction>();

/** Checks a mapped value against a JSON Schema; returns problems as field paths (`/tags/0/name must be string`). */
export function schemaViolations(value: unknown, schema: Record<string, unknown>): string[] {
  let validate = compiled.get(schema);
  if (!validate) {
    try {
      validate = ajv.compile(schema);
    } catch (err) {
      throw new MappingError(
        'MAPPING_INVALID_SCHEMA',
        `the step's \`schema\` is not a valid JSON Schema: ${(err as Error).message}. Fix the schema.`,
        { cause: err },
      );
    }
    compiled.set(schema, validate);
  }
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => {
    const extra = e.keyword === 'additionalProperties' ? ` (\`${(e.params as { additionalProperty: string }).additionalProperty}\`)` : '';
    return `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${extra}`;
  });
}

/** Throws MAPPING_SCHEMA_MISMATCH listing every violation when `value` does not match `schema`. */
export function assertMatchesSchema(value: unknown, schema: Record<string, unknown>): void {
  const problems = schemaViolations(value, schema);
  if (problems.length === 0) return;
  throw new MappingError(
    'MAPPING_SCHEMA_MISMATCH',
    `mapped value does not match the step's schema: ${problems.join('; ')}. Fix the expression or the schema.`,
    {
      details: { violations: problems },
    },
  );
}
