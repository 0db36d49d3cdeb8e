import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compilePathTemplate } from '../core/path-template';
import { dereference, type JsonSchema } from '../highlevel/spec-loader';

/**
 * The Payaca API the sandbox serves. Paths, parameters and body schemas come from Splice's own model of
 * Payaca (`packages/connectors/src/payaca/payaca.openapi.json`, read as a data file: the sandbox imports no
 * internal package), so the connector and its stand-in never drift apart. Without that file the sandbox
 * falls back to the paths below and skips schema validation.
 */

export interface PayacaOperation {
  operationId: string;
  method: string;
  path: string; // under /v1
  route: string;
  pathRegex: RegExp;
  pathParamNames: string[];
  parameters: Array<{ name: string; in: string; required: boolean; schema: JsonSchema }>;
  bodySchema?: JsonSchema;
  bodyRequired: boolean;
  successStatus: number;
}

const FALLBACK: Array<[string, string, string, number]> = [
  ['list-customers', 'GET', '/customers', 200],
  ['create-or-update-customer', 'POST', '/customers', 200],
  ['get-customer', 'GET', '/customers/{customerId}', 200],
  ['update-customer', 'PATCH', '/customers/{customerId}', 200],
  ['add-customer-tags', 'POST', '/customers/{customerId}/tags', 200],
  ['create-project', 'POST', '/customers/{customerId}/projects', 201],
  ['update-project', 'PATCH', '/projects/{projectId}', 200],
  ['list-custom-field-definitions', 'GET', '/custom-fields', 200],
  ['list-tax-rates', 'GET', '/tax-rates', 200],
];

export function defaultPayacaModelFile(): string {
  const env = process.env.SPLICE_PAYACA_MODEL;
  if (env) return resolve(env);
  return fileURLToPath(new URL('../../../connectors/src/payaca/payaca.openapi.json', import.meta.url));
}

function compile(operationId: string, method: string, path: string, rest: Partial<PayacaOperation>): PayacaOperation {
  return {
    operationId,
    method,
    path,
    route: `${method} /v1${path}`,
    ...compilePathTemplate(path),
    parameters: rest.parameters ?? [],
    bodySchema: rest.bodySchema,
    bodyRequired: rest.bodyRequired ?? false,
    successStatus: rest.successStatus ?? 200,
  };
}

export function loadPayacaModel(file = defaultPayacaModelFile()): { operations: PayacaOperation[]; source: string } {
  if (!existsSync(file)) {
    return {
      operations: FALLBACK.map(([id, m, p, s]) => compile(id, m, p, { successStatus: s })),
      source: 'built-in fallback (no schema validation)',
    };
  }
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const doc = dereference(raw, file, dirname(file));
  const operations: PayacaOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Record<string, unknown>>>)) {
    for (const [method, op] of Object.entries(item)) {
      if (!op || typeof op !== 'object' || !op.operationId) continue;
      const rb = op.requestBody as { required?: boolean; content?: Record<string, { schema?: JsonSchema }> } | undefined;
      const success = Object.keys(op.responses as object).find((c) => /^2\d\d$/.test(c)) ?? '200';
      operations.push(
        compile(String(op.operationId), method.toUpperCase(), path, {
          parameters: ((op.parameters as Array<Record<string, unknown>>) ?? []).map((p) => ({
            name: String(p.name),
            in: String(p.in),
            required: Boolean(p.required),
            schema: (p.schema as JsonSchema) ?? {},
          })),
          bodySchema: rb?.content?.['application/json']?.schema,
          bodyRequired: Boolean(rb?.required),
          successStatus: Number(success),
        }),
      );
    }
  }
  return { operations, source: file };
}
