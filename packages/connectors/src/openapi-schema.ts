import type { JsonObject, JsonSchema, JsonValue } from './catalog/json';

/**
 * OpenAPI 3.0 schemas are not quite JSON Schema: `nullable: true` stands for "or null", and
 * `exclusiveMinimum/Maximum` are booleans beside minimum/maximum. This rewrites a schema (a copy) into
 * the JSON Schema dialect ajv validates.
 */
export function openApiToJsonSchema(schema: JsonSchema): JsonSchema {
  return convert(schema) as JsonSchema;
}

function convert(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(convert);
  if (value === null || typeof value !== 'object') return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    // Children of `properties`/`patternProperties` are schemas keyed by name: convert each, keep the names.
    out[k] = k === 'properties' || k === 'patternProperties' ? mapValues(v) : convert(v);
  }
  for (const [flag, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (typeof out[flag] === 'boolean') {
      if (out[flag] === true && typeof out[bound] === 'number') {
        out[flag] = out[bound];
        delete out[bound];
      } else delete out[flag];
    }
  }
  if (out.nullable === undefined) return out;
  const nullable = out.nullable === true;
  delete out.nullable;
  if (!nullable) return out;
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}

function mapValues(v: JsonValue): JsonValue {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  const out: JsonObject = {};
  for (const [name, child] of Object.entries(v)) out[name] = convert(child);
  return out;
}
