import { Router } from 'express';
import { connectors, getCatalog, inputSchemaOf, outputSchemaOf, triggerEvents } from '@splice/connectors';
import { httpAction } from '@splice/runtime';
import type { CatalogConnector, CatalogResponse, ImportTemplateRequest, ListSchedulesResponse, ListTemplatesResponse, SaveFlowResponse, TemplateDetail } from '../contract';
import type { ApiServices } from '../api-services';
import { body, optString, param, optionalBody } from './flow-routes';
import { spliceCatalogOperations } from '../../insights/splice-actions';

/**
 * The catalog (operations grouped by connector, with scopes, and the triggers flows can start from),
 * the templates gallery with import, and the active schedules.
 */
let cached: CatalogResponse | undefined;

export function catalogResponse(): CatalogResponse {
  if (cached) return cached;
  const ops = getCatalog();
  const out: CatalogConnector[] = connectors.map((c) => {
    const mine = ops.filter((o) => o.connector === c.id);
    return {
      id: c.id,
      title: c.title,
      description: c.description,
      baseUrls: { production: c.baseUrls.production },
      operations: mine.map((o) => ({
        id: o.id,
        aliases: o.aliases,
        apiVersion: o.apiVersion,
        tags: o.tags,
        title: o.summary || o.operationId,
        description: o.description,
        method: o.method,
        path: o.path,
        ...(o.scope ? { scope: o.scope } : {}),
        paginated: o.pagination !== null,
        inputSchema: inputSchemaOf(o) as Record<string, unknown>,
        ...(outputSchemaOf(o) ? { outputSchema: outputSchemaOf(o) as Record<string, unknown> } : {}),
      })),
      triggers: triggerEvents
        .filter((t) => t.connector === c.id)
        .map((t) => ({ id: t.id, type: 'webhook' as const, source: t.connector, event: t.event, title: t.title, description: t.description, payloadSchema: t.payloadSchema as Record<string, unknown>, sample: t.sample, assumed: t.assumed || t.payloadAssumed })),
      scopes: [...new Set(mine.map((o) => o.scope).filter((s): s is string => !!s))].sort(),
    };
  });
  out.push({
    id: 'core',
    title: 'Splice',
    description: 'Triggers and actions that need no connector: schedules, manual/API runs, any HTTP request.',
    operations: [{ id: httpAction.id, title: httpAction.title, ...(httpAction.description ? { description: httpAction.description } : {}), ...(httpAction.inputSchema ? { inputSchema: httpAction.inputSchema } : {}) }],
    triggers: [
      { id: 'schedule', type: 'schedule', title: 'On a schedule', description: 'Runs on a cron schedule, e.g. `*/15 * * * *` for every 15 minutes.' },
      { id: 'manual', type: 'manual', title: 'Manual / API call', description: 'Runs when called with POST /api/flows/<id>/runs and a payload (checked against `trigger.input`).' },
      { id: 'webhook.generic', type: 'webhook', source: 'generic', title: 'Any webhook', description: 'Runs for each JSON POST to /hooks/<flow id>.' },
    ],
    scopes: [],
  });
  // Splice's own data actions (statistics store, tag snapshots, tag map): declared in insights/splice-actions.
  out.push({ id: 'splice', title: 'Splice data', description: 'Splice\'s own tables behind the dashboards: record statistics, snapshot tags (with the diff since the last snapshot), and the HighLevel ↔ Payaca tag-name mapping.', operations: spliceCatalogOperations(), triggers: [], scopes: [] });
  cached = { connectors: out };
  return cached;
}

export function catalogRoutes(api: ApiServices): Router {
  const r = Router();

  r.get('/catalog', (_req, res) => {
    res.json(catalogResponse());
  });

  r.get('/templates', (_req, res) => {
    const out: ListTemplatesResponse = { templates: api.templates.list().map(({ file: _f, ...t }) => t) };
    res.json(out);
  });

  r.get('/templates/:id', (req, res) => {
    const { file: _f, ...t } = api.templates.get(param(req, 'id'));
    const out: TemplateDetail = t;
    res.json(out);
  });

  r.post('/templates/:id/import', async (req, res) => {
    const b = optionalBody<ImportTemplateRequest>(req, ['flowId']);
    const t = api.templates.get(param(req, 'id'));
    const result = await api.flows.create({ yaml: t.yaml, ...(b.flowId ? { id: optString(b.flowId, 'body.flowId') } : {}), message: `Imported from template ${t.id}` });
    if (t.testsYaml !== undefined) await api.flows.putTests(result.flow.id, t.testsYaml);
    const { yaml: _y, ...revision } = result.revision;
    const out: SaveFlowResponse = { flow: await api.service.detail(result.flow.id), revision, created: true };
    res.status(201).location(`/api/flows/${result.flow.id}`).json(out);
  });

  r.get('/schedules', (_req, res) => {
    const out: ListSchedulesResponse = { schedules: api.scheduler.list().map((s) => ({ flowId: s.flowId, cron: s.cron, timezone: s.timezone, ...(s.nextRunAt ? { nextRunAt: s.nextRunAt } : {}), ...(s.lastTickAt ? { lastTickAt: s.lastTickAt } : {}) })) };
    res.json(out);
  });

  void body;
  return r;
}
