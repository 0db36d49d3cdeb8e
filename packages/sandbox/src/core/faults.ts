import { SandboxConfigError } from '../errors';
import { hashUnit } from './prng';

/**
 * Fault injection per route. A decision is a pure function of (seed, server, rule, route, n-th matching
 * request), so the same seed and the same requests per route give the same failures, whatever the
 * interleaving between routes.
 */

export interface FaultRule {
  /**
   * Which requests the rule applies to: `*` (default), an operationId (`get-tags-location-id`), a route
   * (`GET /social-media-posting/{locationId}/tags`), or a path prefix ending in `*` (`/v1/customers*`).
   */
  route?: string;
  /** Share of requests answered with `errorStatus` (default 500). */
  errorRate?: number;
  errorStatus?: number;
  /** Share of requests answered 429 with `Retry-After: retryAfterSeconds` (default 1). */
  rate429?: number;
  retryAfterSeconds?: number;
  /** Added to every matching request, plus up to `latencyJitterMs` more. */
  latencyMs?: number;
  latencyJitterMs?: number;
  /** Share of requests that never get an answer (the socket stays open until the client gives up). */
  hangRate?: number;
  /** Share of requests whose connection is reset without an answer. */
  resetRate?: number;
}

export interface FaultConfig {
  /** Seed of the fault pattern; defaults to the sandbox seed. */
  seed?: number;
  highlevel?: FaultRule[];
  payaca?: FaultRule[];
}

export type FaultKind = 'reset' | 'hang' | '429' | 'error';

export interface FaultDecision {
  kind?: FaultKind;
  latencyMs: number;
  status?: number;
  retryAfterSeconds?: number;
}

const RATE_KEYS = ['errorRate', 'rate429', 'hangRate', 'resetRate'] as const;

export function validateFaultRules(rules: unknown, where: string): FaultRule[] {
  if (!Array.isArray(rules)) throw new SandboxConfigError('SANDBOX_BAD_FAULTS', `${where} must be an array of fault rules`);
  return rules.map((r, i) => {
    if (!r || typeof r !== 'object') throw new SandboxConfigError('SANDBOX_BAD_FAULTS', `${where}[${i}] must be an object`);
    const rule = r as FaultRule;
    for (const key of RATE_KEYS) {
      const v = rule[key];
      if (v !== undefined && (typeof v !== 'number' || v < 0 || v > 1)) {
        throw new SandboxConfigError(
          'SANDBOX_BAD_FAULTS',
          `${where}[${i}].${key} must be a number from 0 to 1 (a share of requests), got ${JSON.stringify(v)}`,
        );
      }
    }
    const sum = RATE_KEYS.reduce((s, k) => s + (rule[k] ?? 0), 0);
    if (sum > 1)
      throw new SandboxConfigError(
        'SANDBOX_BAD_FAULTS',
        `${where}[${i}]: errorRate + rate429 + hangRate + resetRate must not exceed 1 (is ${sum})`,
      );
    for (const key of ['latencyMs', 'latencyJitterMs', 'retryAfterSeconds', 'errorStatus'] as const) {
      const v = rule[key];
      if (v !== undefined && (typeof v !== 'number' || v < 0)) {
        throw new SandboxConfigError('SANDBOX_BAD_FAULTS', `${where}[${i}].${key} must be a non-negative number`);
      }
    }
    if (rule.errorStatus !== undefined && (rule.errorStatus < 400 || rule.errorStatus > 599)) {
      throw new SandboxConfigError('SANDBOX_BAD_FAULTS', `${where}[${i}].errorStatus must be an HTTP error status (400-599)`);
    }
    return rule;
  });
}

function matches(rule: FaultRule, route: string, operationId: string | undefined, path: string): boolean {
  const r = rule.route ?? '*';
  if (r === '*') return true;
  if (r === route || r === operationId) return true;
  if (r.endsWith('*')) return path.startsWith(r.slice(0, -1)) || route.startsWith(r.slice(0, -1));
  return false;
}

export class FaultInjector {
  private rules: FaultRule[] = [];
  private seed: number;
  private counts = new Map<string, number>();

  constructor(
    private readonly server: 'highlevel' | 'payaca',
    private readonly defaultSeed: number,
  ) {
    this.seed = defaultSeed;
  }

  configure(config: FaultConfig | undefined): void {
    this.rules = validateFaultRules(config?.[this.server] ?? [], `faults.${this.server}`);
    this.seed = config?.seed ?? this.defaultSeed;
    this.counts.clear();
  }

  current(): { seed: number; rules: FaultRule[] } {
    return { seed: this.seed, rules: this.rules };
  }

  decide(route: string, operationId: string | undefined, path: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0 };
    this.rules.forEach((rule, index) => {
      if (!matches(rule, route, operationId, path)) return;
      const key = `${index}\u0000${route}`;
      const n = (this.counts.get(key) ?? 0) + 1;
      this.counts.set(key, n);
      if (rule.latencyMs || rule.latencyJitterMs) {
        const jitter = rule.latencyJitterMs
          ? Math.floor(hashUnit(this.seed, this.server, index, route, n, 'jitter') * rule.latencyJitterMs)
          : 0;
        decision.latencyMs += (rule.latencyMs ?? 0) + jitter;
      }
      if (decision.kind) return;
      const u = hashUnit(this.seed, this.server, index, route, n);
      let edge = 0;
      const pick = (share: number | undefined, kind: FaultKind) => {
        edge += share ?? 0;
        if (!decision.kind && u < edge) decision.kind = kind;
      };
      pick(rule.resetRate, 'reset');
      pick(rule.hangRate, 'hang');
      pick(rule.rate429, '429');
      pick(rule.errorRate, 'error');
      if (decision.kind === '429') decision.retryAfterSeconds = rule.retryAfterSeconds ?? 1;
      if (decision.kind === 'error') decision.status = rule.errorStatus ?? 500;
    });
    return decision;
  }
}
