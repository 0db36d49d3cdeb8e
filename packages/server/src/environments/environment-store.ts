import { NotFoundError, ServerError } from '../errors';
import type { SpliceDb } from '../storage/database';

/**
 * The two environments. `staging` talks to the sandbox with sandbox credentials; `production` to the
 * real APIs with real credentials. Each has its own credential bindings (flow credential name → stored
 * credential), `$env` values and base URLs, and tracks which revision of each flow is deployed to it.
 */
export const ENVIRONMENT_NAMES = ['staging', 'production'] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

export const PRODUCTION_BASE_URLS: Record<string, string> = {
  highlevel: 'https://services.leadconnectorhq.com',
  payaca: 'https://api.payaca.com/v1',
};

/** Sandbox base URLs for staging, from the sandbox's root URL (one server, a path prefix per API). */
export function sandboxBaseUrls(sandboxUrl: string): Record<string, string> {
  const root = sandboxUrl.replace(/\/+$/, '');
  return { highlevel: `${root}/highlevel`, payaca: `${root}/payaca/v1` };
}

export interface EnvironmentSettings {
  name: EnvironmentName;
  title: string;
  baseUrls: Record<string, string>;
  bindings: Record<string, string>;
  values: Record<string, string | number | boolean>;
}
export interface DeploymentRecord {
  flowId: string;
  environment: EnvironmentName;
  revision: number;
  deployedAt: string;
  deployedBy: string;
}

const TITLES: Record<EnvironmentName, string> = { staging: 'Staging (sandbox)', production: 'Production' };

export function isEnvironmentName(v: unknown): v is EnvironmentName {
  return typeof v === 'string' && (ENVIRONMENT_NAMES as readonly string[]).includes(v);
}

export class EnvironmentStore {
  constructor(
    private readonly db: SpliceDb,
    /** Base URLs used until an environment's are set; staging's default to the sandbox. */
    private readonly defaults: Record<EnvironmentName, Record<string, string>> = {
      staging: sandboxBaseUrls(process.env.SPLICE_SANDBOX_URL ?? 'http://127.0.0.1:4010'),
      production: PRODUCTION_BASE_URLS,
    },
  ) {}

  /**
   * Writes each environment's row with its default base URLs filled in (existing values kept), so
   * readers of the table (the worker's engine factory) see complete base URLs from the first start.
   */
  async ensureDefaults(): Promise<void> {
    for (const name of ENVIRONMENT_NAMES) {
      const stored = await this.storedBaseUrls(name);
      const missing = Object.keys(this.defaults[name]).some((k) => !(k in stored));
      const exists = await this.db.selectFrom('environments').select('name').where('name', '=', name).executeTakeFirst();
      if (exists && !missing) continue;
      await this.update(name, { baseUrls: { ...this.defaults[name], ...stored } });
    }
  }

  async get(name: string): Promise<EnvironmentSettings> {
    if (!isEnvironmentName(name)) throw new NotFoundError('Environment', name);
    const row = await this.db.selectFrom('environments').selectAll().where('name', '=', name).executeTakeFirst();
    const stored = row
      ? { baseUrls: JSON.parse(row.base_urls), bindings: JSON.parse(row.bindings), values: JSON.parse(row.env_values) }
      : { baseUrls: {}, bindings: {}, values: {} };
    return { name, title: TITLES[name], ...stored, baseUrls: { ...this.defaults[name], ...stored.baseUrls } };
  }

  async list(): Promise<EnvironmentSettings[]> {
    return Promise.all(ENVIRONMENT_NAMES.map((n) => this.get(n)));
  }

  /** Replaces the given maps entirely (absent ones are kept). */
  async update(name: string, patch: { baseUrls?: unknown; bindings?: unknown; values?: unknown }): Promise<EnvironmentSettings> {
    const current = await this.get(name);
    const baseUrls = patch.baseUrls === undefined ? undefined : checkMap(patch.baseUrls, 'body.baseUrls', (v) => typeof v === 'string' && /^https?:\/\//.test(v), 'an http(s) URL');
    const bindings = patch.bindings === undefined ? current.bindings : checkMap(patch.bindings, 'body.bindings', (v) => typeof v === 'string' && v.length > 0, 'a stored credential name');
    const values = patch.values === undefined ? current.values : checkMap(patch.values, 'body.values', (v) => ['string', 'number', 'boolean'].includes(typeof v), 'a string, number or boolean');
    const storedBase = baseUrls ?? (await this.storedBaseUrls(name));
    const now = new Date().toISOString();
    const row = { base_urls: JSON.stringify(storedBase), bindings: JSON.stringify(bindings), env_values: JSON.stringify(values), updated_at: now };
    await this.db
      .insertInto('environments')
      .values({ name, ...row })
      .onConflict((oc) => oc.column('name').doUpdateSet(row))
      .execute();
    return this.get(name);
  }

  async deployments(filter: { flowId?: string; environment?: EnvironmentName } = {}): Promise<DeploymentRecord[]> {
    let q = this.db.selectFrom('deployments').selectAll();
    if (filter.flowId) q = q.where('flow_id', '=', filter.flowId);
    if (filter.environment) q = q.where('environment', '=', filter.environment);
    const rows = await q.orderBy('flow_id').orderBy('environment').execute();
    return rows.map((r) => ({ flowId: r.flow_id, environment: r.environment as EnvironmentName, revision: r.revision, deployedAt: r.deployed_at, deployedBy: r.deployed_by }));
  }

  async deployed(flowId: string, environment: EnvironmentName): Promise<number | undefined> {
    const row = await this.db.selectFrom('deployments').select('revision').where('flow_id', '=', flowId).where('environment', '=', environment).executeTakeFirst();
    return row?.revision;
  }

  async deploy(flowId: string, environment: EnvironmentName, revision: number, by = 'admin'): Promise<DeploymentRecord> {
    const now = new Date().toISOString();
    const row = { revision, deployed_at: now, deployed_by: by };
    await this.db
      .insertInto('deployments')
      .values({ flow_id: flowId, environment, ...row })
      .onConflict((oc) => oc.columns(['flow_id', 'environment']).doUpdateSet(row))
      .execute();
    return { flowId, environment, revision, deployedAt: now, deployedBy: by };
  }

  private async storedBaseUrls(name: string): Promise<Record<string, string>> {
    const row = await this.db.selectFrom('environments').select('base_urls').where('name', '=', name).executeTakeFirst();
    return row ? JSON.parse(row.base_urls) : {};
  }
}

function checkMap<T>(v: unknown, path: string, ok: (x: unknown) => boolean, what: string): Record<string, T> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    throw new ServerError('INVALID_REQUEST', `${path} must be an object of name → ${what}.`, 422, { path });
  }
  for (const [k, x] of Object.entries(v)) {
    if (!ok(x)) throw new ServerError('INVALID_REQUEST', `${path}.${k} must be ${what}.`, 422, { path: `${path}.${k}` });
  }
  return v as Record<string, T>;
}
