import { Router, type Request } from 'express';
import type {
  CreateFlowRequest,
  DiffResponse,
  FlowResponse,
  FlowTestsDocument,
  ListFlowsResponse,
  ListRevisionsResponse,
  Revision,
  RollbackRequest,
  SaveFlowResponse,
  UpdateFlowRequest,
  ValidateRequest,
  ValidationResult,
} from '../contract';
import { parseTestFile } from '@splice/runtime/flow-tests/index';
import { SpliceError } from '@splice/runtime';
import { ServerError } from '../../errors';
import { isEnvironmentName } from '../../environments/environment-store';
import { deployToStaging } from '../../environments/promotion';
import type { SaveResult, StoredRevision } from '../../flows/flow-store';
import type { ApiServices } from '../api-services';
import { badRequest, onlyKeys } from '../http-errors';

/**
 * Flows: CRUD on YAML text (verbatim), revisions with diff and rollback, validation with line:col,
 * activation, and the flow's test file.
 */
export function flowRoutes(api: ApiServices): Router {
  const r = Router();
  const { flows, service } = api;

  const saved = async (res: SaveResult): Promise<SaveFlowResponse> => ({
    flow: await service.detail(res.flow.id),
    revision: summaryOf(res.revision),
    created: res.created,
  });

  r.get('/flows', async (_req, res) => {
    const body: ListFlowsResponse = { flows: await service.list() };
    res.json(body);
  });

  r.post('/flows', async (req, res) => {
    const b = body<CreateFlowRequest>(req);
    onlyKeys(b, ['yaml', 'id', 'message', 'author']);
    const result = await flows.create({ yaml: b.yaml, id: optString(b.id, 'body.id'), author: optString(b.author, 'body.author'), message: optString(b.message, 'body.message') });
    res.status(201).location(`/api/flows/${result.flow.id}`).json(await saved(result));
  });

  r.get('/flows/:id', async (req, res) => {
    const body: FlowResponse = { flow: await service.detail(param(req, 'id')) };
    res.json(body);
  });

  r.put('/flows/:id', async (req, res) => {
    const b = body<UpdateFlowRequest>(req);
    onlyKeys(b, ['yaml', 'message', 'author', 'baseRevision']);
    const base = b.baseRevision;
    if (base !== undefined && !Number.isInteger(base)) throw badRequest('body.baseRevision', 'body.baseRevision must be a revision number.');
    const result = await flows.save(param(req, 'id'), { yaml: b.yaml, author: optString(b.author, 'body.author'), message: optString(b.message, 'body.message'), baseRevision: base });
    res.json(await saved(result));
  });

  r.delete('/flows/:id', async (req, res) => {
    const id = param(req, 'id');
    await flows.remove(id);
    void api.scheduler.reconcile();
    res.status(204).end();
  });

  r.get('/flows/:id/revisions', async (req, res) => {
    const body: ListRevisionsResponse = { revisions: (await flows.revisions(param(req, 'id'))).map(summaryOf) };
    res.json(body);
  });

  r.get('/flows/:id/revisions/:revision', async (req, res) => {
    const rev = await flows.revision(param(req, 'id'), intParam(req.params.revision, 'revision'));
    const body: Revision = { ...summaryOf(rev), yaml: rev.yaml };
    res.json(body);
  });

  r.get('/flows/:id/diff', async (req, res) => {
    const id = param(req, 'id');
    const head = (await flows.get(id)).headRevision;
    const to = req.query.to === undefined ? head : intParam(req.query.to, 'query.to');
    const from = req.query.from === undefined ? Math.max(1, to - 1) : intParam(req.query.from, 'query.from');
    const body: DiffResponse = { flowId: id, from, to, diff: await flows.diff(id, from, to) };
    res.json(body);
  });

  r.post('/flows/:id/rollback', async (req, res) => {
    const b = body<RollbackRequest>(req);
    if (!Number.isInteger(b.revision)) throw badRequest('body.revision', 'Give the revision to roll back to as `revision` (a number).');
    const result = await flows.rollback(param(req, 'id'), b.revision, { author: optString(b.author, 'body.author'), message: optString(b.message, 'body.message') });
    res.json(await saved(result));
  });

  r.post('/validate', async (req, res) => {
    const b = body<ValidateRequest>(req);
    if (typeof b.yaml !== 'string') throw badRequest('body.yaml', 'Send the flow text to validate as `yaml`.');
    res.json(await validate(b.yaml, 'flow.yaml', b.environment));
  });

  r.post('/flows/:id/validate', async (req, res) => {
    const id = param(req, 'id');
    const b = (req.body ?? {}) as ValidateRequest;
    const yaml = typeof b.yaml === 'string' ? b.yaml : (await flows.head(id)).yaml;
    res.json(await validate(yaml, `${id}.yaml`, b.environment));
  });

  const validate = async (yaml: string, file: string, environment: unknown): Promise<ValidationResult> => {
    if (environment !== undefined && !isEnvironmentName(environment)) throw badRequest('body.environment', 'body.environment must be "staging" or "production".');
    return (await service.validate(yaml, { file, ...(environment ? { environment } : {}) })).result;
  };

  r.post('/flows/:id/activate', async (req, res) => {
    const id = param(req, 'id');
    // Activation never changes WHAT runs: a deployed revision keeps running until someone deploys another
    // (POST /deploy), so re-ticking Active cannot ship a draft. Only a flow with nothing deployed anywhere
    // gets its head deployed to staging, so "save, activate" works for a new flow.
    const target = await service.runTarget(id);
    if (target === undefined) await deployToStaging(service, id, undefined, 'admin');
    else await service.requireValid((await flows.revision(id, target.revision)).yaml, `${id}@${target.revision}`);
    await flows.setActive(id, true);
    await api.scheduler.reconcile();
    const body: FlowResponse = { flow: await service.detail(id) };
    res.json(body);
  });

  r.post('/flows/:id/deactivate', async (req, res) => {
    const id = param(req, 'id');
    await flows.setActive(id, false);
    await api.scheduler.reconcile();
    const body: FlowResponse = { flow: await service.detail(id) };
    res.json(body);
  });

  r.get('/flows/:id/tests', async (req, res) => {
    const id = param(req, 'id');
    await flows.get(id);
    const t = await flows.tests(id);
    if (!t) throw new ServerError('NOT_FOUND', `Flow "${id}" has no tests yet. Add them with PUT /api/flows/${id}/tests ({ "yaml": "tests: ..." }).`, 404);
    const body: FlowTestsDocument = { flowId: id, ...t };
    res.json(body);
  });

  r.put('/flows/:id/tests', async (req, res) => {
    const id = param(req, 'id');
    const yaml = body<{ yaml: string }>(req).yaml;
    await flows.get(id);
    if (typeof yaml === 'string') checkTestFile(yaml, `${id}.test.yaml`);
    const t = await flows.putTests(id, yaml);
    const body2: FlowTestsDocument = { flowId: id, ...t };
    res.json(body2);
  });

  r.delete('/flows/:id/tests', async (req, res) => {
    const id = param(req, 'id');
    await flows.get(id);
    await flows.deleteTests(id);
    res.status(204).end();
  });

  return r;
}

export function summaryOf(r: StoredRevision) {
  const { yaml: _y, ...rest } = r;
  return rest;
}

export function body<T>(req: Request): T {
  const b = req.body as unknown;
  // A YAML body (Content-Type: application/yaml) is the flow text; message/author come from the query.
  if (typeof b === 'string' && req.is(['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'])) {
    const q = req.query;
    return { yaml: b, ...(typeof q.message === 'string' ? { message: q.message } : {}), ...(typeof q.author === 'string' ? { author: q.author } : {}), ...(typeof q.id === 'string' ? { id: q.id } : {}) } as T;
  }
  if (!b || typeof b !== 'object' || Array.isArray(b)) {
    throw new ServerError('BAD_REQUEST', 'Send a JSON object body with Content-Type: application/json.', 400, { path: 'body' });
  }
  return b as T;
}

export function param(req: Request, name: string): string {
  return String(req.params[name]);
}

export function intParam(v: unknown, path: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw badRequest(path, `${path} must be a revision number (1, 2, ...), got "${String(v)}".`);
  return n;
}

export function optString(v: unknown, path: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badRequest(path, `${path} must be a string.`);
  return v;
}

/** A test file that cannot run is refused when saved (422 with line:col), not at promotion time. */
function checkTestFile(yaml: string, file: string): void {
  try {
    parseTestFile(yaml, file);
  } catch (err) {
    if (!(err instanceof SpliceError)) throw err;
    const at = err.location ? `${file}:${err.location.line}:${err.location.col}: ` : '';
    throw new ServerError(err.code, `${at}${err.message}`, 422, { path: 'body.yaml', ...(err.location ? { location: err.location } : {}) });
  }
}

/** A body that may be left out: absent or empty is `{}`; anything else must be a JSON object of known keys. */
export function optionalBody<T extends object>(req: Request, known: readonly string[]): Partial<T> {
  const b = req.body as unknown;
  if (b === undefined || b === null || b === '') return {};
  if (typeof b !== 'object' || Array.isArray(b)) {
    throw new ServerError('BAD_REQUEST', 'Send a JSON object body with Content-Type: application/json (or no body).', 400, { path: 'body' });
  }
  onlyKeys(b, known);
  return b as Partial<T>;
}
