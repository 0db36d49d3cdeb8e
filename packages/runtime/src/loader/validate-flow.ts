import type { ActionRegistry } from '../actions/action';
import { FlowValidationError } from '../errors';
import type { Flow } from '../model/flow';
import type { ParsedFlow } from './parse-flow';
import { semanticProblems } from './semantic-checks';
import { formatPath } from './source-map';

/** A pluggable check (catalog inputs, credential scopes...): return problems by field path; locations come free. */
export type FlowCheck = (
  flow: Flow,
  ctx: { actions?: ActionRegistry },
) => Array<{ path: (string | number)[]; code: string; message: string }>;

export interface ValidateFlowOptions {
  actions?: ActionRegistry;
  checks?: FlowCheck[];
}

/**
 * Every problem of a parsed flow, in file order: YAML syntax and schema errors from parseFlow, then
 * semantic ones (ids, references, expressions, actions, credentials), then the plugged-in checks (these
 * run only on a flow that matches the schema, as they rely on its shape).
 */
export function validateFlow(parsed: ParsedFlow, opts: ValidateFlowOptions = {}): FlowValidationError[] {
  const errors = [...parsed.errors];
  if (parsed.data === undefined) return errors;
  for (const p of semanticProblems(parsed.data, { actions: opts.actions })) {
    const location = (p.offset !== undefined
      ? parsed.locateInString(p.path, p.offset)
      : p.atKey
        ? parsed.locateKey(p.path)
        : parsed.locate(p.path)) ?? { file: parsed.file, line: 1, col: 1 };
    errors.push(new FlowValidationError(p.code, p.message, { location, path: formatPath(p.path) }));
  }
  if (parsed.flow) {
    for (const check of opts.checks ?? []) {
      for (const p of check(parsed.flow, { actions: opts.actions })) {
        const location = parsed.locate(p.path) ?? { file: parsed.file, line: 1, col: 1 };
        errors.push(new FlowValidationError(p.code, p.message, { location, path: formatPath(p.path) }));
      }
    }
  }
  return errors.sort((a, b) => (a.location?.line ?? 0) - (b.location?.line ?? 0) || (a.location?.col ?? 0) - (b.location?.col ?? 0));
}
