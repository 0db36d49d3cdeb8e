import AjvImport, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';
import type { CatalogOperation, ParameterLocation } from './catalog/catalog-types';
import type { JsonSchema } from './catalog/json';
import { openApiToJsonSchema } from './openapi-schema';

/**
 * JSON Schemas of a catalog operation's step input (`with`) and answers, and their compiled validators.
 * Parameters travel as text, so they are checked with type coercion (`limit: 10` satisfies a
 * `type: string` query parameter); bodies and answers are checked exactly.
 */
// ajv and ajv-formats are CommonJS: under some ESM loaders the class/plugin is the default's `default`.
const Ajv = ((AjvImport as unknown as { default?: typeof AjvImport }).default ?? AjvImport) as typeof AjvImport;
const addFormats = ((addFormatsImport as unknown as { default?: typeof addFormatsImport }).default ?? addFormatsImport) as typeof addFormatsImport;
const exact = new Ajv({ allErrors: true, strict: false });
const coercing = new Ajv({ allErrors: true, strict: false, coerceTypes: true });
addFormats(exact);
addFormats(coercing);

/** `with` keys of a catalog call step, and the parameter location each holds. */
export const INPUT_SECTIONS = { params: 'path', query: 'query', headers: 'header' } as const satisfies Record<string, ParameterLocation>;
export type InputSection = keyof typeof INPUT_SECTIONS;

export function sectionSchema(op: CatalogOperation, loc: ParameterLocation): JsonSchema {
  const params = op.parameters.filter((p) => p.in === loc);
  const properties: JsonSchema = {};
  for (const p of params) properties[p.name] = p.description && p.schema.description === undefined ? { ...p.schema, description: p.description } : p.schema;
  return {
    type: 'object',
    properties,
    required: params.filter((p) => p.required).map((p) => p.name),
    // Unknown query/path names are typos; extra headers are allowed (tracing, custom headers).
    additionalProperties: loc === 'header',
  };
}

/** The JSON Schema (not OpenAPI dialect) of a call step's evaluated `with`: { params, query, headers, body }. */
export function inputSchemaOf(op: CatalogOperation): JsonSchema {
  const properties: JsonSchema = {};
  const required: string[] = [];
  for (const [section, loc] of Object.entries(INPUT_SECTIONS)) {
    if (!op.parameters.some((p) => p.in === loc) && loc !== 'header') continue;
    properties[section] = sectionSchema(op, loc);
    if (op.parameters.some((p) => p.in === loc && p.required)) required.push(section);
  }
  if (op.requestBody) {
    properties.body = op.requestBody.schema;
    if (op.requestBody.required) required.push('body');
  }
  return openApiToJsonSchema({ type: 'object', properties, required, additionalProperties: false });
}

/** The schema of the success answer (first 2xx with a schema). */
export function outputSchemaOf(op: CatalogOperation): JsonSchema | undefined {
  const schema = op.responses.find((r) => r.status.startsWith('2') && r.schema)?.schema;
  return schema && openApiToJsonSchema(schema);
}

interface Compiled {
  sections: Map<ParameterLocation, ValidateFunction>;
  body?: ValidateFunction;
  responses: Map<string, ValidateFunction>;
}
const compiled = new Map<string, Compiled>();

function compiledFor(op: CatalogOperation): Compiled {
  let c = compiled.get(op.id);
  if (!c) {
    c = { sections: new Map(), responses: new Map() };
    for (const loc of Object.values(INPUT_SECTIONS)) c.sections.set(loc, coercing.compile(openApiToJsonSchema(sectionSchema(op, loc))));
    if (op.requestBody) c.body = exact.compile(openApiToJsonSchema(op.requestBody.schema));
    for (const r of op.responses) if (r.schema) c.responses.set(r.status, exact.compile(openApiToJsonSchema(r.schema)));
    compiled.set(op.id, c);
  }
  return c;
}

export interface RequestParts {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  body: unknown;
}

/**
 * Checks a request against the operation. Returns problems as `field.path: message`, empty when valid.
 * Parameter sections are coerced in place (numbers become the strings the spec asks for).
 */
export function requestProblems(op: CatalogOperation, parts: RequestParts): string[] {
  const c = compiledFor(op);
  const problems: string[] = [];
  for (const [section, loc] of Object.entries(INPUT_SECTIONS) as Array<[InputSection, ParameterLocation]>) {
    const validate = c.sections.get(loc)!;
    if (!validate(parts[section])) problems.push(...formatErrors(section, validate.errors));
  }
  if (c.body) {
    if (parts.body === undefined) {
      if (op.requestBody?.required) problems.push('body: is required (this operation takes a request body)');
    } else if (!c.body(parts.body)) problems.push(...formatErrors('body', c.body.errors));
  } else if (parts.body !== undefined) {
    problems.push(`body: must be absent (${op.method} ${op.path} takes no request body)`);
  }
  return problems;
}

/** Checks an answer against the schema declared for its status (null when none is declared). */
export function responseProblems(op: CatalogOperation, status: number, body: unknown): string[] | null {
  const c = compiledFor(op);
  const validate = c.responses.get(String(status)) ?? c.responses.get(`${String(status)[0]}XX`) ?? c.responses.get('default');
  if (!validate) return null;
  return validate(body) ? [] : formatErrors('response', validate.errors);
}

/** `body.profileIds: must NOT have fewer than 1 items`, with the missing or unknown property named. */
export function formatErrors(prefix: string, errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    let at = prefix + e.instancePath.replace(/\/([^/]+)/g, (_m, seg: string) => (/^\d+$/.test(seg) ? `[${seg}]` : `.${seg.replace(/~1/g, '/').replace(/~0/g, '~')}`));
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'required') {
      at += `.${String(e.params.missingProperty)}`;
      message = 'is required';
    } else if (e.keyword === 'additionalProperties') {
      at += `.${String(e.params.additionalProperty)}`;
      message = 'is not a known field of this operation';
    } else if (e.keyword === 'enum') {
      message = `must be one of ${JSON.stringify(e.params.allowedValues)}`;
    }
    return `${at}: ${message}`;
  });
}

export type CheckableSection = InputSection | 'body';

/** Raw ajv errors of one `with` section (for the flow check, which filters errors around expressions). */
export function checkSection(op: CatalogOperation, section: CheckableSection, value: unknown): ErrorObject[] {
  const c = compiledFor(op);
  if (section === 'body') {
    if (value === undefined) {
      return op.requestBody?.required ? [{ instancePath: '', schemaPath: '#/required', keyword: 'required', params: { missingProperty: '' }, message: 'is required' }] : [];
    }
    if (!c.body) return [{ instancePath: '', schemaPath: '#', keyword: 'false schema', params: {}, message: 'must be absent: this operation takes no request body' }];
    return c.body(value) ? [] : [...(c.body.errors ?? [])];
  }
  const validate = c.sections.get(INPUT_SECTIONS[section])!;
  const copy = value && typeof value === 'object' && !Array.isArray(value) ? structuredClone(value) : value === undefined ? {} : value;
  return validate(copy) ? [] : [...(validate.errors ?? [])];
}
