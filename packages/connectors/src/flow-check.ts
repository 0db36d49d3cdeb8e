import type { CallStep, Flow } from '@splice/runtime';
import { walkSteps } from '@splice/runtime/engine/steps/walk-steps';
import { isTemplateExpression, templateLiteral } from '@splice/runtime/mapping/template';
import type { ErrorObject } from 'ajv';
import { closestOperationIds, findOperation } from './catalog';
import type { CatalogOperation } from './catalog/catalog-types';
import { connectors } from './connectors';
import { checkSection, type CheckableSection } from './operation-schemas';

export interface FlowProblem {
  /** Field path in the flow as segments, e.g. ['steps', 2, 'with', 'body', 'tagIds'] (the loader's FlowCheck shape). */
  path: Array<string | number>;
  code: string;
  message: string;
}

/**
 * A loader check for catalog `call` steps: the operation exists, and every literal (non-`=`) value
 * already satisfies the operation's schema, so mistakes show when the flow is loaded, not on a live call.
 * Values computed by expressions are checked at run time, before sending.
 */
export function checkCatalogCalls(flow: Flow, _ctx?: unknown): FlowProblem[] {
  const problems: FlowProblem[] = [];
  for (const { step, path } of walkSteps(flow.steps ?? [])) {
    if (step.type !== 'call') continue;
    const op = checkCall(step.uses, step.with, Boolean(step.credential), path, problems);
    if (op) checkStepOptions(flow, step, op, path, problems);
  }
  return problems;
}

type Path = Array<string | number>;

/** `paginate` only on list operations; a credential declared for the operation's connector. */
function checkStepOptions(flow: Flow, step: CallStep, op: CatalogOperation, at: Path, problems: FlowProblem[]): void {
  if (step.paginate && !op.pagination?.itemsPath) {
    problems.push({
      path: [...at, 'paginate'],
      code: 'PAGINATION_UNSUPPORTED',
      message: `${op.id} cannot be paginated (${op.pagination ? 'its answer shows no items array' : 'it has no limit and skip/offset'}); remove \`paginate: true\``,
    });
  }
  const declared = step.credential ? flow.credentials?.[step.credential] : undefined;
  if (declared && declared.connector !== op.connector) {
    problems.push({
      path: [...at, 'credential'],
      code: 'CREDENTIAL_CONNECTOR_MISMATCH',
      message: `credential \`${step.credential}\` is declared for ${declared.connector}, but ${op.id} is a ${op.connector} operation; use a ${op.connector} credential`,
    });
  }
}

function checkCall(uses: string, withValue: unknown, hasCredential: boolean, at: Path, problems: FlowProblem[]): CatalogOperation | undefined {
  const prefix = uses.split('.')[0] ?? '';
  if (!connectors.some((c) => c.id === prefix)) return undefined; // `http` and other non-catalog actions
  const op = findOperation(uses);
  if (!op) {
    const close = closestOperationIds(uses);
    problems.push({
      path: [...at, 'uses'],
      code: 'UNKNOWN_OPERATION',
      message: `no catalog operation "${uses}"${close.length ? `; did you mean ${close.map((c) => `\`${c}\``).join(', ')}?` : ''} (list them with \`splice catalog list ${prefix}\`)`,
    });
    return undefined;
  }
  const w = withValue && typeof withValue === 'object' && !Array.isArray(withValue) ? (withValue as Record<string, unknown>) : {};
  for (const key of Object.keys(w)) {
    if (!['params', 'query', 'headers', 'body'].includes(key)) {
      problems.push({ path: [...at, 'with', key], code: 'REQUEST_INVALID', message: `\`${key}\` is not a section of a catalog call; use params, query, headers and body` });
    }
  }
  for (const section of ['params', 'query', 'headers', 'body'] as const) {
    const value = w[section];
    if (isTemplateExpression(value)) continue;
    for (const e of checkSection(op, section, literalCopy(value))) {
      if (touchesExpression(e, value)) continue;
      if (e.keyword === 'required' && hasCredential && e.params.missingProperty === 'locationId' && section !== 'body') continue; // filled from the credential
      const field = fieldOf(e);
      problems.push({ path: [...at, 'with', section, ...fieldSegments(e)], code: 'REQUEST_INVALID', message: messageOf(op, section, field, e) });
    }
  }
  return op;
}

/** A copy with `==` escapes undone (what the engine will send for literals). */
function literalCopy(value: unknown): unknown {
  if (typeof value === 'string') return isTemplateExpression(value) ? value : templateLiteral(value);
  if (Array.isArray(value)) return value.map(literalCopy);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, literalCopy(v)]));
  return value;
}

/** Errors at or around an expression's position depend on its run-time value: skip them. */
function touchesExpression(e: ErrorObject, section: unknown): boolean {
  if (e.keyword === 'required' || e.keyword === 'additionalProperties') return false;
  const exprPaths: string[] = [];
  const collect = (v: unknown, p: string) => {
    if (isTemplateExpression(v)) exprPaths.push(p);
    else if (Array.isArray(v)) v.forEach((x, i) => collect(x, `${p}/${i}`));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) collect(x, `${p}/${k}`);
  };
  collect(section, '');
  return exprPaths.some((p) => p === e.instancePath || p.startsWith(`${e.instancePath}/`) || e.instancePath.startsWith(`${p}/`));
}

function fieldSegments(e: ErrorObject): Path {
  const segs: Path = e.instancePath.split('/').slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));
  if (e.keyword === 'required' && e.params.missingProperty) segs.push(String(e.params.missingProperty));
  if (e.keyword === 'additionalProperties') segs.push(String(e.params.additionalProperty));
  return segs;
}

function fieldOf(e: ErrorObject): string {
  let field = e.instancePath.replace(/\/([^/]+)/g, (_m, seg: string) => (/^\d+$/.test(seg) ? `[${seg}]` : `.${seg}`));
  if (e.keyword === 'required' && e.params.missingProperty) field += `.${String(e.params.missingProperty)}`;
  if (e.keyword === 'additionalProperties') field += `.${String(e.params.additionalProperty)}`;
  return field;
}

function messageOf(op: CatalogOperation, section: CheckableSection, field: string, e: ErrorObject): string {
  const what = `${section}${field}`;
  if (e.keyword === 'required') return `${what} is required by ${op.id}`;
  if (e.keyword === 'additionalProperties') return `${what} is not a known field of ${op.id} (see \`splice catalog show ${op.id}\`)`;
  if (e.keyword === 'enum') return `${what} must be one of ${JSON.stringify(e.params.allowedValues)}`;
  return `${what} ${e.message ?? 'is invalid'}`;
}
