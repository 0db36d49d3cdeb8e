import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compilePathTemplate, matchPathParams } from '../core/path-template';
import { SandboxSpecError } from '../errors';

/**
 * Reads HighLevel's official OpenAPI files from `specs/highlevel/` (ground truth, never copied into code)
 * and turns every operation of the v2 and v3 Social Planner specs into a route the sandbox can serve.
 */

export type JsonSchema = Record<string, unknown>;
export type ApiVersion = 'v2' | 'v3';

export interface HlParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: JsonSchema;
}

export interface HlOperation {
  version: ApiVersion;
  /** Values the `Version` header may take for this operation (from the spec's enum). */
  versionHeader: string[];
  operationId: string;
  method: string; // upper case
  path: string; // template, e.g. /social-media-posting/{locationId}/tags
  /** `METHOD template`, the key of counters and fault rules. */
  route: string;
  pathRegex: RegExp;
  pathParamNames: string[];
  literalSegments: number;
  parameters: HlParameter[];
  requestBody?: { required: boolean; contentType: string; schema: JsonSchema };
  successStatus: number;
  /** Schema of the success answer, `$ref`s resolved (and the spec quirks normalised, see normalizeQuirks). */
  successSchema?: JsonSchema;
  /** The same, exactly as the official file says (only `$ref`s resolved): tests validate against this. */
  officialSuccessSchema?: JsonSchema;
  /** OAuth scope the token needs; undefined where no source names one. */
  scope?: string;
  scopeSource: 'spec' | 'scopes.tsv' | 'v2 twin' | 'unknown';
}

export interface HighLevelSpecs {
  specsDir: string;
  operations: HlOperation[];
  /** apps/oauth.json with `$ref`s resolved (token answer schemas). */
  oauth: Record<string, unknown>;
}

/** `specs/` at the repository root, found from this file so the CLI works from any working directory. */
export function defaultSpecsDir(): string {
  const env = process.env.SPLICE_SPECS_DIR;
  if (env) return resolve(env);
  return fileURLToPath(new URL('../../../../specs/', import.meta.url));
}

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new SandboxSpecError(
      'SANDBOX_SPEC_UNREADABLE',
      `cannot read spec file ${file}: ${(err as Error).message}. Restore it from specs/ in the repository or set SPLICE_SPECS_DIR.`,
      { cause: err },
    );
  }
}

/**
 * Resolves every `$ref` (local and `../common/common-schemas.json`) into a plain tree. The v3 files refer to
 * `../common/common-schemas.json`, which upstream lives at `apps/v3/common/` (SOURCE.md quirk): remap it.
 */
export function dereference(doc: Record<string, unknown>, docFile: string, highlevelDir: string): Record<string, unknown> {
  const files = new Map<string, Record<string, unknown>>([[docFile, doc]]);
  const load = (file: string) => {
    let d = files.get(file);
    if (!d) {
      d = readJson(file);
      files.set(file, d);
    }
    return d;
  };
  const remap = (fromFile: string, rel: string): string => {
    const target = join(dirname(fromFile), rel);
    const v3Dir = join(highlevelDir, 'apps', 'v3');
    if (dirname(fromFile).startsWith(v3Dir) && target === join(highlevelDir, 'apps', 'common', 'common-schemas.json')) {
      return join(v3Dir, 'common', 'common-schemas.json');
    }
    return target;
  };
  const resolvePointer = (d: Record<string, unknown>, pointer: string): unknown => {
    let cur: unknown = d;
    for (const raw of pointer.replace(/^\//, '').split('/')) {
      if (raw === '') continue;
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      cur = (cur as Record<string, unknown> | undefined)?.[key];
    }
    if (cur === undefined) throw new SandboxSpecError('SANDBOX_SPEC_BAD_REF', `unresolvable $ref ${pointer}`);
    return cur;
  };
  const walk = (node: unknown, file: string, stack: string[]): unknown => {
    if (Array.isArray(node)) return node.map((n) => walk(n, file, stack));
    if (!node || typeof node !== 'object') return node;
    const obj = node as Record<string, unknown>;
    if (typeof obj.$ref === 'string') {
      const [relFile, pointer = ''] = obj.$ref.split('#');
      const targetFile = relFile ? remap(file, relFile) : file;
      let target = targetFile;
      let resolved: unknown;
      try {
        resolved = resolvePointer(load(target), pointer);
      } catch (err) {
        // Upstream quirk: v3 has local refs to common schemas (#/components/schemas/BadRequestDTO) that
        // only the common file defines. Fall back to it before giving up.
        target = remap(file, '../common/common-schemas.json');
        if (relFile || !pointer.startsWith('/components/schemas/')) throw err;
        resolved = resolvePointer(load(target), pointer);
      }
      const key = `${target}#${pointer}`;
      // A cycle would make the tree infinite: stop at the second visit with an open schema.
      if (stack.includes(key)) return {};
      return walk(resolved, target, [...stack, key]);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) out[k] = walk(v, file, stack);
    return out;
  };
  return walk(doc, docFile, []) as Record<string, unknown>;
}

/**
 * Normalises the upstream files' known defects (each noted below and in specs/README.md).
 * The upstream files (generated by NestJS swagger) declare some enum-valued fields as `type: object` with a
 * string example ("status": "draft", "platform": "google"). The live API takes and returns strings there, so
 * a schema read literally would reject every real post. Normalise: such a field takes the example's type.
 */
export function normalizeQuirks(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normalizeQuirks);
  if (!node || typeof node !== 'object') return node;
  const obj = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = normalizeQuirks(v);
  // `nullable` without `type` means nothing in OpenAPI 3.0 (and ajv refuses it): drop it.
  if (out.nullable !== undefined && out.type === undefined) delete out.nullable;
  // Upstream oneOf alternatives overlap (every property optional), so "exactly one" can never hold for a
  // real answer: read them as anyOf.
  if (Array.isArray(out.oneOf)) {
    out.anyOf = out.oneOf;
    delete out.oneOf;
  }
  const ex = obj.example;
  if (obj.type === 'object' && !obj.properties && !obj.additionalProperties && ex !== undefined && ex !== null && typeof ex !== 'object') {
    out.type = typeof ex === 'number' ? 'number' : typeof ex === 'boolean' ? 'boolean' : 'string';
  }
  return out;
}

function readScopes(file: string): Map<string, { scope: string; source: string }> {
  const map = new Map<string, { scope: string; source: string }>();
  const lines = readFileSync(file, 'utf8').split('\n').slice(1);
  for (const line of lines) {
    const [operationId, , , scope, source] = line.split('\t');
    if (operationId && scope) map.set(operationId, { scope, source: source ?? '' });
  }
  return map;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function toOperations(doc: Record<string, unknown>, version: ApiVersion): HlOperation[] {
  const ops: HlOperation[] = [];
  const paths = doc.paths as Record<string, Record<string, Record<string, unknown>>>;
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const params = ((op.parameters as Array<Record<string, unknown>>) ?? []).map((p): HlParameter => ({
        name: String(p.name),
        in: p.in as HlParameter['in'],
        required: Boolean(p.required),
        schema: (p.schema as JsonSchema) ?? {},
      }));
      const versionParam = params.find((p) => p.in === 'header' && p.name === 'Version');
      const versionHeader = (versionParam?.schema.enum as string[] | undefined) ?? [version === 'v2' ? '2021-07-28' : 'v3'];
      const rb = op.requestBody as { required?: boolean; content?: Record<string, { schema?: JsonSchema }> } | undefined;
      const contentType = rb?.content ? Object.keys(rb.content)[0] : undefined;
      const responses = op.responses as Record<string, { content?: Record<string, { schema?: JsonSchema }> }>;
      const successCode = Object.keys(responses).find((c) => /^2\d\d$/.test(c)) ?? '200';
      const official = responses[successCode]?.content?.['application/json']?.schema;
      const security = op.security as Array<Record<string, string[]>> | undefined;
      const specScope = security?.flatMap((s) => Object.values(s).flat())[0];
      ops.push({
        version,
        versionHeader,
        operationId: String(op.operationId),
        method: method.toUpperCase(),
        path,
        route: `${method.toUpperCase()} ${path}`,
        ...compilePathTemplate(path),
        literalSegments: path.split('/').filter((s) => s && !s.startsWith('{')).length,
        parameters: params,
        requestBody:
          rb && contentType
            ? {
                required: Boolean(rb.required),
                contentType,
                schema: normalizeQuirks(rb.content?.[contentType]?.schema ?? {}) as JsonSchema,
              }
            : undefined,
        successStatus: Number(successCode),
        successSchema: official ? (normalizeQuirks(official) as JsonSchema) : undefined,
        officialSuccessSchema: official,
        scope: specScope,
        scopeSource: specScope ? 'spec' : 'unknown',
      });
    }
  }
  return ops;
}

/** Scopes: the spec's own security block, else scopes.tsv (v2), else the v2 operation on the same route. */
function assignScopes(ops: HlOperation[], scopes: Map<string, { scope: string; source: string }>): void {
  const v2ByRoute = new Map<string, HlOperation>();
  for (const op of ops) {
    if (op.version !== 'v2') continue;
    const row = scopes.get(op.operationId);
    if (row) {
      op.scope = row.scope;
      op.scopeSource = row.source === 'spec' ? 'spec' : 'scopes.tsv';
    }
    v2ByRoute.set(op.route, op);
  }
  for (const op of ops) {
    if (op.version !== 'v3' || op.scope) continue;
    const twin = v2ByRoute.get(op.route);
    if (twin?.scope) {
      op.scope = twin.scope;
      op.scopeSource = 'v2 twin';
    } else if (op.path.startsWith('/social-media-posting/oauth/')) {
      // The per-platform OAuth routes of v2 all use these two scopes (scopes.tsv); v3 merged them into {platform}.
      op.scope = op.method === 'GET' ? 'socialplanner/oauth.readonly' : 'socialplanner/oauth.write';
      op.scopeSource = 'v2 twin';
    }
  }
}

let cached: { dir: string; specs: HighLevelSpecs } | undefined;

export function loadHighLevelSpecs(specsDir = defaultSpecsDir()): HighLevelSpecs {
  if (cached?.dir === specsDir) return cached.specs;
  const hl = join(specsDir, 'highlevel');
  const v2File = join(hl, 'apps', 'social-media-posting.json');
  const v3File = join(hl, 'apps', 'v3', 'social-planner-v3.json');
  const oauthFile = join(hl, 'apps', 'oauth.json');
  const v2 = dereference(readJson(v2File), v2File, hl);
  const v3 = dereference(readJson(v3File), v3File, hl);
  const oauth = dereference(readJson(oauthFile), oauthFile, hl);
  const operations = [...toOperations(v2, 'v2'), ...toOperations(v3, 'v3')];
  assignScopes(operations, readScopes(join(hl, 'scopes.tsv')));
  // The v2 file gives profileIds no upper bound; the live endpoint (one backend for both versions) takes
  // at most 100, as the v3 file states.
  const v2Stats = operations.find((o) => o.version === 'v2' && o.operationId === 'get-social-media-statistics');
  const profileIds = (v2Stats?.requestBody?.schema.properties as Record<string, JsonSchema> | undefined)?.profileIds;
  if (profileIds) profileIds.maxItems = 100;
  const specs = { specsDir, operations, oauth };
  cached = { dir: specsDir, specs };
  return specs;
}

/** The operations matching a method and path, most specific (most literal segments) first. */
export function matchOperations(specs: HighLevelSpecs, method: string, path: string) {
  const hits: Array<{ op: HlOperation; params: Record<string, string> }> = [];
  for (const op of specs.operations) {
    if (op.method !== method) continue;
    const params = matchPathParams(op, path);
    if (!params) continue;
    hits.push({ op, params });
  }
  return hits.sort((a, b) => b.op.literalSegments - a.op.literalSegments);
}
