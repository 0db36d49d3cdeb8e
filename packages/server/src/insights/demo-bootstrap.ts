import { createEngine, parseFlow, type ActionRegistry, type CredentialResolver, type RunRecord } from '@splice/runtime';
import { apiServices } from '../api/api-services';
import type { ServerContext } from '../context';
import type { CredentialStore } from '../credentials/credential-store';
import { deployToStaging } from '../environments/promotion';
import { TagSnapshotStore } from './tag-snapshot-store';

/**
 * What `splice start` does to a running server so a new user finds everything working: stored demo
 * credentials, the staging environment pointed at them, the templates imported and active, and runs of
 * the templates that fill the dashboards. Every step is idempotent: a second start changes nothing that
 * is already as wanted (and never overwrites a flow the user edited).
 */
export interface DemoCredential {
  name: string;
  kind: string;
  /** Field values by name, secret and plain, as the kind declares them. */
  values: Record<string, string>;
  scopes?: string[];
}

export type Outcome = 'added' | 'updated' | 'unchanged';

/** Adds each credential, or rotates it when its values differ from the stored ones. */
export async function ensureCredentials(ctx: ServerContext, creds: DemoCredential[]): Promise<Array<{ name: string; outcome: Outcome }>> {
  const store = ctx.stores.credentials as CredentialStore | undefined;
  if (!store) throw new Error('the credentials store is not available (no master key): cannot register the demo credentials');
  const out: Array<{ name: string; outcome: Outcome }> = [];
  for (const c of creds) {
    const existing = await store.find(c.name);
    if (!existing) {
      await store.add({ name: c.name, kind: c.kind, values: c.values, ...(c.scopes ? { scopes: c.scopes } : {}) });
      out.push({ name: c.name, outcome: 'added' });
      continue;
    }
    const active = await store.readActive(c.name);
    const stored: Record<string, string | undefined> = { ...(active.info.meta as Record<string, string>), ...active.secret };
    const same = Object.entries(c.values).every(([k, v]) => stored[k] === v);
    if (same) out.push({ name: c.name, outcome: 'unchanged' });
    else {
      await store.rotate(c.name, c.values, c.scopes ? { scopes: c.scopes } : {});
      out.push({ name: c.name, outcome: 'updated' });
    }
  }
  return out;
}

/** Sets staging's base URLs, bindings and values (merged over what is there). */
export async function configureStaging(
  ctx: ServerContext,
  input: { baseUrls: Record<string, string>; bindings: Record<string, string>; values: Record<string, string | number | boolean> },
): Promise<void> {
  const api = apiServices(ctx);
  await api.ready;
  const current = await api.environments.get('staging');
  await api.environments.update('staging', {
    baseUrls: { ...current.baseUrls, ...input.baseUrls },
    bindings: { ...current.bindings, ...input.bindings },
    values: { ...current.values, ...input.values },
  });
}

export interface ImportedTemplate {
  id: string;
  outcome: 'imported' | 'kept';
  active: boolean;
  triggerType?: string;
}

/** Imports every template not yet present as a flow (with its tests), deploys it to staging and activates it. */
export async function importTemplates(ctx: ServerContext, opts: { activate: boolean }): Promise<ImportedTemplate[]> {
  const api = apiServices(ctx);
  await api.ready;
  const out: ImportedTemplate[] = [];
  for (const t of api.templates.list()) {
    let flow = await api.flows.find(t.id);
    let outcome: ImportedTemplate['outcome'] = 'kept';
    if (!flow) {
      const full = api.templates.get(t.id);
      await api.flows.create({ yaml: full.yaml, id: t.id, author: 'splice start', message: `Imported from template ${t.id}` });
      if (full.testsYaml !== undefined) await api.flows.putTests(t.id, full.testsYaml);
      flow = await api.flows.get(t.id);
      outcome = 'imported';
    }
    if (opts.activate && outcome === 'imported') {
      if ((await api.environments.deployed(t.id, 'staging')) === undefined) await deployToStaging(api.service, t.id, undefined, 'splice start');
      flow = await api.flows.setActive(t.id, true);
    }
    out.push({ id: t.id, outcome, active: Boolean(flow.active), ...(t.triggerType ? { triggerType: t.triggerType } : {}) });
  }
  await api.scheduler.reconcile();
  return out;
}

/** Runs a template's text once with the server's actions (so `splice.*` steps write this server's data). */
export async function runTemplateOnce(
  ctx: ServerContext,
  templateId: string,
  event: unknown,
  opts: { credentials: CredentialResolver; baseUrls: Record<string, string>; env: Record<string, unknown>; runId: string },
): Promise<RunRecord> {
  const api = apiServices(ctx);
  const parsed = parseFlow(api.templates.get(templateId).yaml, { file: `templates/${templateId}.yaml` });
  if (!parsed.flow) throw new Error(`template ${templateId} does not parse: ${parsed.errors.map((e) => e.format()).join('; ')}`);
  const engine = createEngine({ actions: ctx.stores.actions as ActionRegistry, credentials: opts.credentials, baseUrls: opts.baseUrls, env: opts.env });
  return engine.run(parsed.flow, event, { runId: opts.runId });
}

/** Whether a location already has tag snapshots (the backfill runs only once). */
export async function hasTagSnapshots(ctx: ServerContext, locationId: string): Promise<boolean> {
  return (await new TagSnapshotStore(ctx.db).list({ locations: [locationId] })).length > 0;
}
