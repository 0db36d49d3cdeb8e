import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createEngine, parseFlow, type CredentialResolver, type Flow, type RunRecord } from '../../../packages/runtime/src/index';
import type { Sandbox } from '../../../packages/sandbox/src/index';
import type { SpliceDb } from '../../../packages/server/src/storage/database';
import { templateActions } from './template-actions';

/**
 * Runs the real template files with the real engine against a running sandbox: HighLevel calls with the
 * location's private integration token, Payaca calls with the demo API key, `splice.*` steps on `db`.
 */
export const templatesDir = resolve(import.meta.dirname, '../../../templates');

export function loadTemplate(name: string): Flow {
  const parsed = parseFlow(readFileSync(join(templatesDir, `${name}.yaml`), 'utf8'), { file: `templates/${name}.yaml` });
  if (!parsed.flow || parsed.errors.length) throw new Error(`template ${name} is invalid: ${parsed.errors.map((e) => e.format()).join('; ')}`);
  return parsed.flow;
}

export function sandboxCredentials(sandbox: Sandbox, locationId: string): CredentialResolver {
  const hl = sandbox.credentials.highlevel;
  const token = hl.locations.find((l) => l.id === locationId)?.privateIntegrationToken ?? hl.privateIntegrationToken;
  return {
    async resolve(name) {
      if (name === 'payaca') {
        const p = sandbox.credentials.payaca;
        return { name: 'sandbox-payaca', connector: 'payaca', version: 1, auth: { kind: 'basic', username: p.clientId, password: p.clientSecret } };
      }
      if (name === 'highlevel') return { name: 'sandbox-highlevel', connector: 'highlevel', version: 1, auth: { kind: 'bearer', token }, meta: { locationId } };
      throw new Error(`no sandbox credential for ${name}`);
    },
  };
}

let runs = 0;
export async function runTemplate(
  sandbox: Sandbox,
  db: SpliceDb,
  name: string,
  event: unknown,
  opts: { locationId: string; env?: Record<string, unknown> },
): Promise<RunRecord> {
  const engine = createEngine({
    actions: templateActions(db),
    credentials: sandboxCredentials(sandbox, opts.locationId),
    baseUrls: sandbox.baseUrls,
    env: { locationId: opts.locationId, ...(opts.env ?? {}) },
  });
  return engine.run(loadTemplate(name), event, { runId: `e2e-${name}-${++runs}` });
}

/** Requests per route since `before` (both from `sandbox.admin.counters()`), e.g. `{'GET /social-media-posting/{locationId}/tags': 2}`. */
export function routeDelta(before: ReturnType<Sandbox['admin']['counters']>, after: ReturnType<Sandbox['admin']['counters']>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const side of ['highlevel', 'payaca'] as const) {
    for (const [route, statuses] of Object.entries(after[side].routes)) {
      const total = (s: Record<string, number> | undefined) => Object.values(s ?? {}).reduce((a, b) => a + b, 0);
      const n = total(statuses) - total(before[side].routes[route]);
      if (n) out[`${side} ${route}`] = n;
    }
  }
  return out;
}

export const snapshotCounters = (sandbox: Sandbox) => structuredClone(sandbox.admin.counters());
