import type { ActionRegistry, Flow, Step } from '@splice/runtime';
import { CredentialCode } from './credential-codes';
import { getKind } from './kinds/index';
import type { CredentialInfo } from './credential-info';
import type { CredentialStore } from './credential-store';

/** One call step's need: which credential and which scope (from the catalog operation's `scope`). */
export interface FlowScopeNeed {
  stepId: string;
  /** Field path of the step in the flow, e.g. `['steps', 2, 'steps', 0]`. */
  path: (string | number)[];
  uses: string;
  /** Flow-local credential name (undefined: the step names none). */
  credential?: string;
  scope: string;
  /** The step's `with` names the resource (locationId) its call is for (see ActionDefinition.resourceOf). */
  namesResource: boolean;
}

/** A problem as the runtime loader's FlowCheck reports it (path as field-path parts). */
export interface FlowCheckIssue {
  path: (string | number)[];
  code: string;
  message: string;
}
/** Same shape as the runtime loader's `FlowCheck` (plug it into validateFlow's `checks`). */
export type CredentialFlowCheck = (flow: Flow, ctx?: unknown) => FlowCheckIssue[];

type Path = (string | number)[];
function* callSteps(steps: Step[], prefix: Path): Generator<{ step: Extract<Step, { type: 'call' }>; path: Path }> {
  for (const [i, s] of steps.entries()) {
    const path = [...prefix, i];
    if (s.type === 'call') yield { step: s, path };
    else if (s.type === 'if') {
      yield* callSteps(s.then ?? [], [...path, 'then']);
      if (s.else) yield* callSteps(s.else, [...path, 'else']);
    } else if (s.type === 'foreach') yield* callSteps(s.steps ?? [], [...path, 'steps']);
  }
}

/** Every scope a flow needs, one entry per call step whose action declares a scope. */
export function deriveFlowScopes(flow: Flow, actions: ActionRegistry): FlowScopeNeed[] {
  const out: FlowScopeNeed[] = [];
  for (const { step, path } of callSteps(flow.steps ?? [], ['steps'])) {
    const action = actions.get(step.uses);
    const scope = action?.scope;
    if (!scope) continue;
    // On the unevaluated `with`: an expression such as `=$event.locationId` counts as naming it.
    const namesResource = action?.resourceOf?.(step.with ?? {}) !== undefined;
    out.push({ stepId: step.id, path, uses: step.uses, scope, namesResource, ...(step.credential ? { credential: step.credential } : {}) });
  }
  return out;
}

/** The distinct scopes a flow needs per flow credential, e.g. for the install URL of `auth login`. */
export function scopesByCredential(needs: FlowScopeNeed[]): Record<string, string[]> {
  const out: Record<string, Set<string>> = {};
  for (const n of needs) (out[n.credential ?? ''] ??= new Set()).add(n.scope);
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...v].sort()]));
}

/**
 * A FlowCheck over a snapshot of stored credential metadata: fails a call step whose bound credential
 * lacks the operation's scope, is missing, or needs reconnecting. Synchronous, like the loader's checks;
 * build it with `loadCredentialScopeCheck` to snapshot the store.
 */
export function createCredentialScopeCheck(opts: {
  actions: ActionRegistry;
  bindings: Record<string, string>;
  credentials: CredentialInfo[];
  /** Report unbound / unknown credentials too (deployment); validation without an environment skips them. */
  requireBound?: boolean;
}): CredentialFlowCheck {
  const byName = new Map(opts.credentials.map((c) => [c.name, c]));
  return (flow) => {
    const issues: FlowCheckIssue[] = [];
    for (const need of deriveFlowScopes(flow, opts.actions)) {
      if (!need.credential) continue;
      const stored = opts.bindings[need.credential] ?? need.credential;
      const cred = byName.get(stored);
      if (!cred) {
        if (opts.requireBound) {
          issues.push({
            path: [...need.path, 'credential'],
            code: CredentialCode.UNBOUND,
            message: `step ${need.stepId} (${need.uses}) uses credential ${need.credential}, which is not bound to a stored credential. Bind it in the environment or add it with \`splice credentials add ${stored} --kind <kind>\`.`,
          });
        }
        continue;
      }
      if (cred.status === 'needs_reconnect') {
        issues.push({
          path: [...need.path, 'credential'],
          code: CredentialCode.NEEDS_RECONNECT,
          message: `step ${need.stepId} (${need.uses}) uses credential ${cred.name}, which needs reconnecting (${cred.statusReason ?? 'disconnected'}): ${cred.reconnectHint ?? ''}.`,
        });
        continue;
      }
      if (credentialKindServesLocations(cred.kind) && !need.namesResource) {
        issues.push({
          path: [...need.path, 'with'],
          code: CredentialCode.LOCATION_REQUIRED,
          message: `step ${need.stepId} (${need.uses}) names no locationId, but credential ${cred.name} serves several locations: give params.locationId (e.g. =$event.locationId) so each call takes that location's token`,
        });
      }
      if (cred.scopes && !cred.scopes.includes(need.scope)) {
        issues.push({
          path: [...need.path, 'credential'],
          code: CredentialCode.SCOPE_MISSING,
          message: `step ${need.stepId} (${need.uses}) needs ${need.scope}; credential ${cred.name} grants ${cred.scopes.join(', ') || 'no scopes'}`,
        });
      }
    }
    return issues;
  };
}

function credentialKindServesLocations(kind: string): boolean {
  try {
    return Boolean(getKind(kind).locations);
  } catch {
    return false;
  }
}

export async function loadCredentialScopeCheck(opts: {
  store: CredentialStore;
  actions: ActionRegistry;
  bindings: Record<string, string>;
  requireBound?: boolean;
}): Promise<CredentialFlowCheck> {
  return createCredentialScopeCheck({ ...opts, credentials: await opts.store.list() });
}
