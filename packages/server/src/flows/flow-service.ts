import { createHash } from 'node:crypto';
import type { ActionRegistry, Flow } from '@splice/runtime';
import type { ApiIssue, FlowDetail, FlowSummary, ValidationResult } from '../api/contract';
import type { CredentialStore } from '../credentials/credential-store';
import { createCredentialScopeCheck } from '../credentials/flow-scopes';
import { ServerError } from '../errors';
import type { EnvironmentName, EnvironmentStore } from '../environments/environment-store';
import { checkFlowText } from './flow-check';
import { readFlowHeader } from './flow-header';
import type { FlowStore, StoredFlow } from './flow-store';

/**
 * What the API says about flows beyond their text: validation (loader errors with line:col, plus the
 * credentials module's binding and scope check for an environment), the wire summaries, and which
 * revision runs where. An active flow runs the revision deployed to production, else the one deployed to
 * staging (activation deploys the head to staging only when nothing is deployed anywhere yet; after that a
 * new revision runs once someone deploys it: saving never changes what runs).
 */
export interface FlowServiceDeps {
  flows: FlowStore;
  environments: EnvironmentStore;
  actions: () => ActionRegistry;
  credentials: () => CredentialStore | undefined;
  /** Next tick of an active schedule trigger (from the scheduler). */
  nextRunAt?: (flowId: string) => string | undefined;
}

export interface ValidatedText {
  result: ValidationResult;
  flow?: Flow;
}

export interface RunTarget {
  revision: number;
  environment: EnvironmentName;
}

export class FlowService {
  /** Validation results by text hash: listing many flows should not re-validate unchanged texts. */
  private readonly cache = new Map<string, ValidatedText>();

  constructor(readonly deps: FlowServiceDeps) {}

  async validate(yaml: string, opts: { file?: string; environment?: EnvironmentName } = {}): Promise<ValidatedText> {
    const key = opts.environment ? undefined : createHash('sha256').update(`${opts.file ?? ''}\n${yaml}`).digest('hex');
    const hit = key ? this.cache.get(key) : undefined;
    if (hit) return hit;
    const checks = [];
    if (opts.environment) {
      const store = this.deps.credentials();
      const env = await this.deps.environments.get(opts.environment);
      if (store) {
        checks.push(createCredentialScopeCheck({ actions: this.deps.actions(), bindings: env.bindings, credentials: await store.list(), requireBound: true }));
      }
    }
    const checked = await checkFlowText(yaml, { file: opts.file, actions: this.deps.actions(), checks });
    const out: ValidatedText = { result: { valid: checked.errors.length === 0, errors: checked.errors, warnings: checked.warnings }, ...(checked.flow ? { flow: checked.flow } : {}) };
    if (key) {
      if (this.cache.size > 500) this.cache.clear();
      this.cache.set(key, out);
    }
    return out;
  }

  /** Parses a revision that must be valid to run; throws INVALID_FLOW with the issues otherwise. */
  async requireValid(yaml: string, where: string, environment?: EnvironmentName): Promise<Flow> {
    const { result, flow } = await this.validate(yaml, { file: `${where}.yaml`, environment });
    if (!result.valid || !flow) throw invalidFlow(where, result.errors);
    return flow;
  }

  async summary(stored: StoredFlow): Promise<FlowSummary & { yaml: string; validation: ValidationResult }> {
    const head = await this.deps.flows.revision(stored.id, stored.headRevision);
    const header = readFlowHeader(head.yaml);
    const { result } = await this.validate(head.yaml, { file: `${stored.id}.yaml` });
    const deployed: FlowSummary['deployed'] = {};
    for (const d of await this.deps.environments.deployments({ flowId: stored.id })) deployed[d.environment] = d.revision;
    return {
      id: stored.id,
      ...(header.title ? { title: header.title } : {}),
      ...(header.description ? { description: header.description } : {}),
      ...(header.triggerType ? { triggerType: header.triggerType } : {}),
      active: stored.active,
      headRevision: stored.headRevision,
      deployed,
      valid: result.valid,
      createdAt: stored.createdAt,
      updatedAt: stored.updatedAt,
      yaml: head.yaml,
      validation: result,
    };
  }

  async list(): Promise<FlowSummary[]> {
    const out: FlowSummary[] = [];
    for (const f of await this.deps.flows.list()) {
      const { yaml: _y, validation: _v, ...s } = await this.summary(f);
      out.push(s);
    }
    return out;
  }

  async detail(id: string): Promise<FlowDetail> {
    const stored = await this.deps.flows.get(id);
    const s = await this.summary(stored);
    const tests = await this.deps.flows.tests(id);
    const next = stored.active && s.triggerType === 'schedule' ? this.deps.nextRunAt?.(id) : undefined;
    const live = await this.runTarget(id);
    return {
      ...s,
      ...(s.triggerType === 'webhook' ? { webhookPath: `/hooks/${id}` } : {}),
      ...(next ? { nextRunAt: next } : {}),
      hasTests: tests !== undefined,
      deployments: await this.deps.environments.deployments({ flowId: id }),
      ...(live ? { liveTarget: live } : {}),
    };
  }

  /** Which revision and environment an active flow's triggers run (undefined: nothing to run). */
  async runTarget(flowId: string): Promise<RunTarget | undefined> {
    const production = await this.deps.environments.deployed(flowId, 'production');
    if (production !== undefined) return { revision: production, environment: 'production' };
    const staging = await this.deps.environments.deployed(flowId, 'staging');
    if (staging !== undefined) return { revision: staging, environment: 'staging' };
    return undefined;
  }
}

export function invalidFlow(where: string, errors: ApiIssue[]): ServerError {
  const first = errors[0];
  const at = first?.location ? `${first.location.line}:${first.location.col}: ` : first?.path ? `${first.path}: ` : '';
  return new ServerError(
    'INVALID_FLOW',
    `${where} does not validate (${errors.length} problem${errors.length === 1 ? '' : 's'}): ${at}${first?.message ?? ''} Fix the YAML and save it again.`,
    422,
    { details: { issues: errors }, ...(first?.location ? { location: first.location } : {}), ...(first?.path ? { path: first.path } : {}) },
  );
}
