import {
  asArray,
  asObject,
  asString,
  asStringArray,
  isObject,
  optBoolean,
  optString,
  SpecShapeError,
  type JsonSchema,
  type JsonValue,
} from './json';

/**
 * The operation catalog: one declaration per operation, generated from OpenAPI by
 * scripts/generate-catalog.ts. Actions, flow checks, `splice catalog` output and editor forms derive from it.
 */
export type ParameterLocation = 'path' | 'query' | 'header';
const PARAMETER_LOCATIONS: readonly ParameterLocation[] = ['path', 'query', 'header'];

export interface CatalogParameter {
  name: string;
  in: ParameterLocation;
  required: boolean;
  schema: JsonSchema;
  description?: string;
  /** Path placeholder the spec forgot to declare (e.g. v2 bulk-delete's `{locationId}`): added, marked. */
  inferred?: boolean;
}

export interface CatalogRequestBody {
  required: boolean;
  contentType: string;
  schema: JsonSchema;
}

export interface CatalogResponse {
  status: string;
  description: string;
  contentType?: string;
  schema?: JsonSchema;
}

/** Where the OAuth scope of an operation was read. */
export type ScopeSource = 'spec' | 'scopes.tsv' | 'derived' | 'none';
const SCOPE_SOURCES: readonly ScopeSource[] = ['spec', 'scopes.tsv', 'derived', 'none'];

export interface CatalogPagination {
  /** Where limit and offset go. */
  in: 'query' | 'body';
  limit: string;
  offset: string;
  /** Path of the items array in the success answer, e.g. ['results', 'tags'] (null: not found in the schema). */
  itemsPath: string[] | null;
  /** Path of a total count beside the items, if the schema has one. */
  totalPath: string[] | null;
}

/** What an OpenAPI operation says of itself, as the reader checks it and the catalog keeps it. */
export interface OperationShape {
  operationId: string;
  method: string;
  path: string;
  summary: string;
  description: string;
  tags: string[];
  parameters: CatalogParameter[];
  requestBody: CatalogRequestBody | null;
  responses: CatalogResponse[];
}

export interface CatalogOperation extends OperationShape {
  /** `highlevel.v2.get-tags-location-id`, `highlevel.v3.get-statistics`, `payaca.list-customers`. */
  id: string;
  /** Other ids that name this operation (`highlevel.<operationId>` for v2). */
  aliases: string[];
  connector: string;
  apiVersion: string;
  scope: string | null;
  scopeSource: ScopeSource;
  /** Value of the `Version` header this API wants (null: none). */
  versionHeader: string | null;
  pagination: CatalogPagination | null;
  /** Our own model of an API where the path is not confirmed by public docs (Payaca). */
  assumedPath: boolean;
}

export interface CatalogFile {
  $comment: string;
  connector: string;
  apiVersion: string;
  title: string;
  source: { file: string; sha256: string };
  servers: string[];
  operations: CatalogOperation[];
}

function checkSchema(v: unknown, where: string): JsonSchema {
  return asObject(v, where);
}

function checkParameter(v: unknown, where: string): CatalogParameter {
  const o = asObject(v, where);
  const loc = asString(o.in, `${where}.in`);
  const found = PARAMETER_LOCATIONS.find((l) => l === loc);
  if (!found) throw new SpecShapeError(`${where}.in`, PARAMETER_LOCATIONS.join(' | '));
  const p: CatalogParameter = {
    name: asString(o.name, `${where}.name`),
    in: found,
    required: optBoolean(o.required, `${where}.required`) ?? false,
    schema: checkSchema(o.schema, `${where}.schema`),
  };
  const description = optString(o.description, `${where}.description`);
  if (description !== undefined) p.description = description;
  if (optBoolean(o.inferred, `${where}.inferred`)) p.inferred = true;
  return p;
}

function checkPath(v: JsonValue | undefined, where: string): string[] | null {
  return v === null || v === undefined ? null : asStringArray(v, where);
}

function checkPagination(v: JsonValue | undefined, where: string): CatalogPagination | null {
  if (v === null || v === undefined) return null;
  const o = asObject(v, where);
  const at = asString(o.in, `${where}.in`);
  if (at !== 'query' && at !== 'body') throw new SpecShapeError(`${where}.in`, 'query | body');
  return {
    in: at,
    limit: asString(o.limit, `${where}.limit`),
    offset: asString(o.offset, `${where}.offset`),
    itemsPath: checkPath(o.itemsPath, `${where}.itemsPath`),
    totalPath: checkPath(o.totalPath, `${where}.totalPath`),
  };
}

export function checkOperation(v: unknown, where: string): CatalogOperation {
  const o = asObject(v, where);
  const source = asString(o.scopeSource, `${where}.scopeSource`);
  const scopeSource = SCOPE_SOURCES.find((s) => s === source);
  if (!scopeSource) throw new SpecShapeError(`${where}.scopeSource`, SCOPE_SOURCES.join(' | '));
  const body = o.requestBody;
  return {
    id: asString(o.id, `${where}.id`),
    aliases: asStringArray(o.aliases, `${where}.aliases`),
    connector: asString(o.connector, `${where}.connector`),
    apiVersion: asString(o.apiVersion, `${where}.apiVersion`),
    operationId: asString(o.operationId, `${where}.operationId`),
    method: asString(o.method, `${where}.method`),
    path: asString(o.path, `${where}.path`),
    summary: asString(o.summary, `${where}.summary`),
    description: asString(o.description, `${where}.description`),
    tags: asStringArray(o.tags, `${where}.tags`),
    parameters: asArray(o.parameters, `${where}.parameters`).map((p, i) => checkParameter(p, `${where}.parameters[${i}]`)),
    requestBody: isObject(body)
      ? {
          required: optBoolean(body.required, `${where}.requestBody.required`) ?? false,
          contentType: asString(body.contentType, `${where}.requestBody.contentType`),
          schema: checkSchema(body.schema, `${where}.requestBody.schema`),
        }
      : null,
    responses: asArray(o.responses, `${where}.responses`).map((r, i) => {
      const ro = asObject(r, `${where}.responses[${i}]`);
      const res: CatalogResponse = {
        status: asString(ro.status, `${where}.responses[${i}].status`),
        description: asString(ro.description, `${where}.responses[${i}].description`),
      };
      const ct = optString(ro.contentType, `${where}.responses[${i}].contentType`);
      if (ct !== undefined) res.contentType = ct;
      if (ro.schema !== undefined) res.schema = checkSchema(ro.schema, `${where}.responses[${i}].schema`);
      return res;
    }),
    scope: o.scope === null ? null : asString(o.scope, `${where}.scope`),
    scopeSource,
    versionHeader: o.versionHeader === null ? null : asString(o.versionHeader, `${where}.versionHeader`),
    pagination: checkPagination(o.pagination, `${where}.pagination`),
    assumedPath: optBoolean(o.assumedPath, `${where}.assumedPath`) ?? false,
  };
}

/** Checks a generated catalog file (read from disk) and returns it typed. */
export function checkCatalogFile(v: unknown, where: string): CatalogFile {
  const o = asObject(v, where);
  const src = asObject(o.source, `${where}.source`);
  return {
    $comment: asString(o.$comment, `${where}.$comment`),
    connector: asString(o.connector, `${where}.connector`),
    apiVersion: asString(o.apiVersion, `${where}.apiVersion`),
    title: asString(o.title, `${where}.title`),
    source: { file: asString(src.file, `${where}.source.file`), sha256: asString(src.sha256, `${where}.source.sha256`) },
    servers: asStringArray(o.servers, `${where}.servers`),
    operations: asArray(o.operations, `${where}.operations`).map((op, i) => checkOperation(op, `${where}.operations[${i}]`)),
  };
}
