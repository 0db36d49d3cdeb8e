import { Ajv2020 } from 'ajv/dist/2020.js';
import { runFlowTests } from '@splice/runtime/flow-tests/index';
import { Router } from 'express';
import type { ApiIssue, DeployRequest, DeployResponse, ListDeploymentsResponse, PromoteRequest, PromoteResponse, TestRunRequest, TriggerRunRequest, TriggerRunResponse } from '../contract';
import { ServerError } from '../../errors';
import { isEnvironmentName, type EnvironmentName } from '../../environments/environment-store';
import { deployToStaging, promoteToProduction, stripRuns } from '../../environments/promotion';
import type { RunTarget } from '../../flows/flow-service';
import { testRun } from '../../flows/test-run';
import { flowTestActions } from '../../insights/flow-test-actions';
import type { ApiServices } from '../api-services';
import type { ServerContext } from '../../context';
import type { LocationTokens } from '../../credentials/location-tokens';
import { badRequest } from '../http-errors';
import { body, optionalBody, param } from './flow-routes';

/**
 * Running flows: editor test runs (sync, staging, optionally dry), manual/API triggers through the durable
 * queue, flow tests, and deployment (staging) / promotion (production).
 */
const ajv = new Ajv2020({ allErrors: true, strict: false });

export function flowRunRoutes(ctx: ServerContext, api: ApiServices): Router {
  const r = Router();
  const { flows, service, environments } = api;
  const deployedTo = async (flowId: string, environment: EnvironmentName): Promise<RunTarget> => {
    const revision = await environments.deployed(flowId, environment);
    if (revision === undefined) {
      throw new ServerError('FLOW_NOT_DEPLOYED', `Flow "${flowId}" has no revision deployed to ${environment}, so there is nothing to run there. Deploy one first: POST /api/flows/${flowId}/deploy {"environment": "${environment}"}.`, 409);
    }
    return { environment, revision };
  };

  r.post('/flows/:id/test-runs', async (req, res) => {
    const id = param(req, 'id');
    const b = optionalBody<TestRunRequest>(req, ['event', 'dryRun', 'yaml', 'revision']);
    if (b.revision !== undefined && !Number.isInteger(b.revision)) throw badRequest('body.revision', 'body.revision must be a revision number (1, 2, ...).');
    if (b.dryRun !== undefined && typeof b.dryRun !== 'boolean') throw badRequest('body.dryRun', 'body.dryRun must be true or false.');
    if (b.yaml !== undefined && typeof b.yaml !== 'string') throw badRequest('body.yaml', 'body.yaml must be the flow text (a string).');
    const stored = await flows.get(id);
    let yaml: string;
    let where: string;
    if (typeof b.yaml === 'string') {
      yaml = b.yaml;
      where = `${id} (unsaved)`;
    } else {
      const rev = await flows.revision(id, b.revision ?? stored.headRevision);
      yaml = rev.yaml;
      where = `${id}@${rev.revision}`;
    }
    const flow = await service.requireValid(yaml, where);
    const trigger = flow.trigger as { sample?: unknown; event?: unknown };
    const event = b.event !== undefined ? b.event : (trigger.sample ?? trigger.event ?? {});
    const record = await testRun(flow, event, { dryRun: b.dryRun === true }, {
      actions: api.actions(),
      environment: await environments.get('staging'),
      credentials: api.credentials(),
      refresher: api.refresher(),
      ...(ctx.stores.locationTokens ? { locationTokens: ctx.stores.locationTokens as LocationTokens } : {}),
    });
    res.json(record);
  });

  r.post('/flows/:id/runs', async (req, res) => {
    const id = param(req, 'id');
    // Unknown keys are refused: a payload sent without its `payload` wrapper must not run as {}.
    const b = optionalBody<TriggerRunRequest>(req, ['payload', 'idempotencyKey', 'environment']);
    if (b.environment !== undefined && !isEnvironmentName(b.environment)) throw badRequest('body.environment', 'body.environment must be "staging" or "production".');
    const stored = await flows.get(id);
    if (!stored.active) {
      throw new ServerError('FLOW_INACTIVE', `Flow "${id}" is not active, so it takes no runs. Activate it with POST /api/flows/${id}/activate (or test it with POST /api/flows/${id}/test-runs).`, 409);
    }
    // A run executes a deployed revision, never the draft: what is deployed to the environment asked for,
    // else what the triggers run. The answer names it beside the head, so a caller sees an undeployed save.
    const target = b.environment ? await deployedTo(id, b.environment) : await service.runTarget(id);
    const active = target ? await ctx.flows.getRevision({ flowId: id, ...target }) : undefined;
    if (!target || !active) throw new ServerError('FLOW_INACTIVE', `Flow "${id}" has no valid deployed revision. Deploy one with POST /api/flows/${id}/deploy.`, 409);
    const payload = b.payload === undefined ? {} : b.payload;
    const trigger = active.flow.trigger;
    if (trigger.type === 'manual' && trigger.input) checkPayload(trigger.input, payload);
    if (b.idempotencyKey !== undefined && (typeof b.idempotencyKey !== 'string' || b.idempotencyKey === '')) throw badRequest('body.idempotencyKey', 'body.idempotencyKey must be a non-empty string.');
    const submitted = await ctx.events.submit({
      flow: active,
      source: 'manual',
      eventType: 'manual',
      ...(b.idempotencyKey ? { dedupeKey: `manual:${b.idempotencyKey}` } : {}),
      body: JSON.stringify(payload),
      trigger: 'manual',
    });
    const out: TriggerRunResponse = {
      runId: submitted.runId,
      status: submitted.status,
      environment: target.environment,
      revision: target.revision,
      headRevision: stored.headRevision,
      ...(submitted.duplicate ? { duplicate: true } : {}),
    };
    res.status(202).location(`/api/runs/${submitted.runId}`).json(out);
  });

  r.post('/flows/:id/tests/run', async (req, res) => {
    const id = param(req, 'id');
    const b = optionalBody<{ revision?: number; yaml?: string }>(req, ['revision', 'yaml']);
    if (b.revision !== undefined && !Number.isInteger(b.revision)) throw badRequest('body.revision', 'body.revision must be a revision number (1, 2, ...).');
    if (b.yaml !== undefined && typeof b.yaml !== 'string') throw badRequest('body.yaml', 'body.yaml must be the flow test text (a string).');
    const stored = await flows.get(id);
    const tests = typeof b.yaml === 'string' ? { yaml: b.yaml } : await flows.tests(id);
    if (!tests) throw new ServerError('NOT_FOUND', `Flow "${id}" has no tests. Add them with PUT /api/flows/${id}/tests.`, 404);
    const rev = await flows.revision(id, b.revision ?? stored.headRevision);
    const flow = await service.requireValid(rev.yaml, `${id}@${rev.revision}`);
    // splice.* steps run on a fresh in-memory store, never on the server's dashboards data.
    const testActions = await flowTestActions(api.actions());
    const report = await runFlowTests({ testText: tests.yaml, testFile: `${id}.test.yaml`, flow }, { actions: testActions.actions }).finally(() => testActions.close());
    res.json(stripRuns(report));
  });

  r.get('/flows/:id/deployments', async (req, res) => {
    const id = param(req, 'id');
    await flows.get(id);
    const out: ListDeploymentsResponse = { deployments: await environments.deployments({ flowId: id }) };
    res.json(out);
  });

  r.post('/flows/:id/deploy', async (req, res) => {
    const b = optionalBody<DeployRequest>(req, ['revision', 'environment']);
    if (b.environment !== undefined && !isEnvironmentName(b.environment)) throw badRequest('body.environment', 'body.environment must be "staging" or "production".');
    if (b.revision !== undefined && !Number.isInteger(b.revision)) throw badRequest('body.revision', 'body.revision must be a revision number.');
    const id = param(req, 'id');
    let out: DeployResponse;
    if (b.environment === 'production') {
      // Production only through the promotion gate: validation against production and the flow tests.
      const promoted = await promoteToProduction(service, api.actions(), id, b.revision ?? (await flows.get(id)).headRevision, 'admin');
      out = { deployment: promoted.deployment, tests: promoted.tests };
    } else {
      out = { deployment: await deployToStaging(service, id, b.revision, 'admin') };
    }
    await api.scheduler.reconcile();
    res.json(out);
  });

  r.post('/flows/:id/promote', async (req, res) => {
    const b = optionalBody<PromoteRequest>(req, ['revision']);
    if (b.revision !== undefined && !Number.isInteger(b.revision)) throw badRequest('body.revision', 'body.revision must be a revision number.');
    const result = await promoteToProduction(service, api.actions(), param(req, 'id'), b.revision, 'admin');
    await api.scheduler.reconcile();
    const out: PromoteResponse = { deployment: result.deployment, tests: result.tests };
    res.json(out);
  });

  void body;
  return r;
}

/** 422 INVALID_PAYLOAD with every field path when the payload does not match `trigger.input`. */
function checkPayload(schema: Record<string, unknown>, payload: unknown): void {
  let validate;
  try {
    validate = ajv.compile(schema);
  } catch (err) {
    throw new ServerError('INVALID_FLOW', `The flow's trigger.input is not a valid JSON Schema: ${(err as Error).message}`, 422, { path: 'trigger.input' });
  }
  if (validate(payload)) return;
  const issues: ApiIssue[] = (validate.errors ?? []).map((e) => {
    const segs = e.instancePath.split('/').slice(1);
    if (e.keyword === 'required') segs.push(String((e.params as { missingProperty: string }).missingProperty));
    const path = ['payload', ...segs].map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
    return { code: 'INVALID_PAYLOAD', message: `${path} ${e.message ?? 'is invalid'}`, path };
  });
  throw new ServerError('INVALID_PAYLOAD', `The payload does not match the flow's trigger.input schema: ${issues.map((i) => i.message).join('; ')}.`, 422, {
    path: issues[0]?.path ?? 'payload',
    details: { issues },
  });
}
