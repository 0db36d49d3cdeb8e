import {
  asArray,
  asObject,
  asString,
  optBoolean,
  optString,
  SpecShapeError,
  type JsonObject,
  type JsonSchema,
} from './json';
import type { CatalogParameter, CatalogRequestBody, CatalogResponse, OperationShape, ParameterLocation } from './catalog-types';

/** The parts of an OpenAPI 3.0 operation (after $ref resolution) that the catalog uses, checked. */
export interface OpenApiOperation extends OperationShape {
  /** Scopes named by the `security` block (empty: none named; null: no security block). */
  securityScopes: string[] | null;
  /** Extension `x-splice-assumed-path` on the path item (our own models only). */
  assumedPath: boolean;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
const LOCATIONS: readonly ParameterLocation[] = ['path', 'query', 'header'];

function readParameter(v: unknown, where: string): CatalogParameter {
  const o = asObject(v, where);
  const at = asString(o.in, `${where}.in`);
  const loc = LOCATIONS.find((l) => l === at);
  if (!loc) throw new SpecShapeError(`${where}.in`, `one of ${LOCATIONS.join(', ')} (cookie parameters are not supported)`);
  const p: CatalogParameter = {
    name: asString(o.name, `${where}.name`),
    in: loc,
    required: optBoolean(o.required, `${where}.required`) ?? loc === 'path',
    schema: o.schema === undefined ? {} : asObject(o.schema, `${where}.schema`),
  };
  const description = optString(o.description, `${where}.description`);
  if (description) p.description = description;
  return p;
}

/** Picks JSON content when offered, else the first media type. */
function pickContent(content: JsonObject, where: string): { contentType: string; schema?: JsonSchema } | undefined {
  const types = Object.keys(content);
  const contentType = types.find((t) => t === 'application/json') ?? types[0];
  if (contentType === undefined) return undefined;
  const media = asObject(content[contentType], `${where}.content["${contentType}"]`);
  return media.schema === undefined ? { contentType } : { contentType, schema: asObject(media.schema, `${where}.schema`) };
}

function readBody(v: unknown, where: string): CatalogRequestBody | null {
  if (v === undefined) return null;
  const o = asObject(v, where);
  const picked = pickContent(asObject(o.content, `${where}.content`), where);
  if (!picked) return null;
  return { required: optBoolean(o.required, `${where}.required`) ?? false, contentType: picked.contentType, schema: picked.schema ?? {} };
}

function readResponses(v: unknown, where: string): CatalogResponse[] {
  return Object.entries(asObject(v, where)).map(([status, r]) => {
    const o = asObject(r, `${where}.${status}`);
    const res: CatalogResponse = { status, description: optString(o.description, `${where}.${status}.description`) ?? '' };
    if (o.content !== undefined) {
      const picked = pickContent(asObject(o.content, `${where}.${status}.content`), `${where}.${status}`);
      if (picked) {
        res.contentType = picked.contentType;
        if (picked.schema) res.schema = picked.schema;
      }
    }
    return res;
  });
}

function readSecurity(v: unknown, where: string): string[] | null {
  if (v === undefined) return null;
  const scopes: string[] = [];
  asArray(v, where).forEach((req, i) => {
    for (const [scheme, list] of Object.entries(asObject(req, `${where}[${i}]`))) {
      for (const s of asArray(list, `${where}[${i}].${scheme}`)) scopes.push(asString(s, `${where}[${i}].${scheme}[]`));
    }
  });
  return scopes;
}

/** Lists the operations of a resolved OpenAPI document in document order. */
export function readOperations(doc: JsonObject, where: string): OpenApiOperation[] {
  const ops: OpenApiOperation[] = [];
  for (const [p, item] of Object.entries(asObject(doc.paths, `${where}.paths`))) {
    const pathItem = asObject(item, `${where}.paths["${p}"]`);
    const shared = pathItem.parameters === undefined ? [] : asArray(pathItem.parameters, `${where}.paths["${p}"].parameters`);
    const assumedPath = pathItem['x-splice-assumed-path'] === true;
    for (const method of METHODS) {
      if (pathItem[method] === undefined) continue;
      const at = `${where}.paths["${p}"].${method}`;
      const op = asObject(pathItem[method], at);
      const own = op.parameters === undefined ? [] : asArray(op.parameters, `${at}.parameters`);
      // Operation-level parameters override path-level ones with the same name and location.
      const byKey = new Map<string, CatalogParameter>();
      [...shared, ...own].forEach((raw, i) => {
        const param = readParameter(raw, `${at}.parameters[${i}]`);
        byKey.set(`${param.in}:${param.name}`, param);
      });
      ops.push({
        method: method.toUpperCase(),
        path: p,
        operationId: asString(op.operationId, `${at}.operationId`),
        summary: optString(op.summary, `${at}.summary`) ?? '',
        description: optString(op.description, `${at}.description`) ?? '',
        tags: op.tags === undefined ? [] : asArray(op.tags, `${at}.tags`).map((t, i) => asString(t, `${at}.tags[${i}]`)),
        parameters: [...byKey.values()],
        requestBody: readBody(op.requestBody, `${at}.requestBody`),
        responses: readResponses(op.responses, `${at}.responses`),
        securityScopes: readSecurity(op.security, `${at}.security`),
        assumedPath,
      });
    }
  }
  return ops;
}

/** `servers[].url` of a document. */
export function readServers(doc: JsonObject, where: string): string[] {
  if (doc.servers === undefined) return [];
  return asArray(doc.servers, `${where}.servers`).map((s, i) => asString(asObject(s, `${where}.servers[${i}]`).url, `${where}.servers[${i}].url`));
}

