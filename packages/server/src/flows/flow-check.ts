import { parseFlow, validateFlow, type ActionRegistry, type Flow, type FlowCheck, type SpliceError } from '@splice/runtime';
import { checkCatalogCalls } from '@splice/connectors';
import type { ApiIssue } from '../api/contract';
import { checkScheduleTrigger } from '../schedules/schedule-check';

/**
 * Validation of flow text through the runtime's loader: YAML syntax and schema, semantic checks (ids,
 * references, expressions, actions), the catalog's input checks, and any extra checks (the credentials
 * module's bindings/scopes for an environment). Every problem comes back with line:col.
 */
export interface CheckedFlow {
  flow?: Flow;
  errors: ApiIssue[];
  warnings: ApiIssue[];
}

/** A check reporting field paths as strings (`steps[2].credential`) or segments, as other modules do. */
export type PathStringCheck = (flow: Flow, ctx?: unknown) => Array<{ path: string | (string | number)[]; code: string; message: string }>;

export function adaptCheck(check: PathStringCheck): FlowCheck {
  return (flow, ctx) => check(flow, ctx).map((p) => ({ ...p, path: typeof p.path === 'string' ? splitPath(p.path) : p.path }));
}

export async function checkFlowText(text: string, opts: { file?: string; actions: ActionRegistry; checks?: PathStringCheck[] }): Promise<CheckedFlow> {
  const parsed = parseFlow(text, { file: opts.file });
  const checks = [checkCatalogCalls, checkScheduleTrigger, ...(opts.checks ?? [])].map(adaptCheck);
  const errors = validateFlow(parsed, { actions: opts.actions, checks }).map(toIssue);
  return { ...(parsed.flow && errors.length === 0 ? { flow: parsed.flow } : {}), errors, warnings: [] };
}

export function toIssue(e: SpliceError | ApiIssue): ApiIssue {
  const loc = e.location;
  return {
    code: e.code,
    message: e.message,
    ...(e.path ? { path: e.path } : {}),
    ...(loc ? { location: { ...(loc.file ? { file: loc.file } : {}), line: loc.line, col: loc.col } } : {}),
  };
}

export function splitPath(path: string): (string | number)[] {
  return path
    .replace(/^\./, '')
    .split(/\.|\[(\d+)\]/)
    .filter((s) => s !== undefined && s !== '')
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}
