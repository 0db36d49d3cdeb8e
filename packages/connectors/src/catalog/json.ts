/**
 * JSON values as read from spec files, and small checked accessors. Spec data is only ever narrowed
 * through these guards, never cast into an assumed shape.
 */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}
/** A JSON Schema (draft-07 / OpenAPI 3.0 dialect), kept as data. */
export type JsonSchema = JsonObject;

export class SpecShapeError extends Error {
  constructor(
    readonly where: string,
    expected: string,
  ) {
    super(`${where}: expected ${expected}`);
  }
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function asObject(v: unknown, where: string): JsonObject {
  if (!isObject(v)) throw new SpecShapeError(where, 'an object');
  return v;
}

export function asArray(v: unknown, where: string): JsonValue[] {
  if (!Array.isArray(v)) throw new SpecShapeError(where, 'an array');
  return v;
}

export function asString(v: unknown, where: string): string {
  if (typeof v !== 'string') throw new SpecShapeError(where, 'a string');
  return v;
}

export function optString(v: unknown, where: string): string | undefined {
  return v === undefined ? undefined : asString(v, where);
}

export function optBoolean(v: unknown, where: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new SpecShapeError(where, 'a boolean');
  return v;
}

export function asStringArray(v: unknown, where: string): string[] {
  return asArray(v, where).map((x, i) => asString(x, `${where}[${i}]`));
}

/** Parses JSON text into a JsonValue (JSON.parse can only produce JSON values). */
export function parseJson(text: string, where: string): JsonValue {
  try {
    const parsed: JsonValue = JSON.parse(text);
    return parsed;
  } catch (err) {
    throw new SpecShapeError(where, `valid JSON (${(err as Error).message})`);
  }
}
