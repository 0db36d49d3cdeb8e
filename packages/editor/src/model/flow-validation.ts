import { Ajv2020, type ErrorObject } from 'ajv/dist/2020';
import flowSchema from '../../../../schemas/flow.schema.json';
import { formatPath, parsePath, type YamlPath } from './flow-document';

/**
 * Validation the editor runs on every change, before anything is sent: the flow JSON Schema (the one
 * the runtime uses), then what a schema cannot say: unique ids, `$steps.x` pointing at an earlier step,
 * declared credentials, known catalog operations, required inputs and JSONata syntax.
 */
export interface FlowProblem {
  severity: 'error' | 'warning';
  path: YamlPath;
  message: string;
  stepId?: string;
  code: string;
}

export interface OperationFacts {
  id: string;
  connector: string;
  /** JSON Schema of `with` (params, query, body, headers). */
  inputSchema?: Record<string, unknown>;
}

export interface ValidationContext {
  operations?: Map<string, OperationFacts>;
  /** Compiles a JSONata expression; throws with `position` on syntax errors. */
  compile?: (expression: string) => unknown;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const ajv = new Ajv2020({ allErrors: true, strict: false });
const validateSchema = ajv.compile(flowSchema);

/** Drop the noise of oneOf branches that do not apply (a call step is not told it lacks `expression`). */
function relevantErrors(errors: ErrorObject[]): ErrorObject[] {
  const wrongBranches: Array<{ instance: string; branch: string }> = [];
  for (const e of errors) {
    const m = /^(.*\/oneOf\/\d+)\/properties\/type\/const$/.exec(e.schemaPath);
    if (m && e.keyword === 'const') wrongBranches.push({ instance: e.instancePath.replace(/\/type$/, ''), branch: m[1]! });
  }
  const kept = errors.filter(
    (e) => !wrongBranches.some((w) => e.schemaPath.startsWith(`${w.branch}/`) && (e.instancePath === w.instance || e.instancePath.startsWith(`${w.instance}/`))),
  );
  return kept.filter((e) => e.keyword !== 'oneOf' || !kept.some((o) => o !== e && o.instancePath.startsWith(e.instancePath) && o.keyword !== 'oneOf'));
}

function schemaMessage(e: ErrorObject): { path: YamlPath; message: string } {
  const path = parsePath(e.instancePath);
  const where = formatPath(path) || 'flow';
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { path, message: `${where}: missing required field "${String(p.missingProperty)}".` };
    case 'additionalProperties':
      return { path: [...path, String(p.additionalProperty)], message: `${formatPath([...path, String(p.additionalProperty)])}: unknown field "${String(p.additionalProperty)}"; remove it or check its spelling.` };
    case 'enum':
      return { path, message: `${where}: must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}.` };
    case 'const':
      return { path, message: `${where}: must be ${JSON.stringify(p.allowedValue)}.` };
    case 'pattern':
      return { path, message: `${where}: ${(e.parentSchema as Obj | undefined)?.description ?? `must match ${String(p.pattern)}`}` };
    default:
      return { path, message: `${where}: ${e.message ?? 'is invalid'}.` };
  }
}

export function validateFlowSchema(flow: unknown): FlowProblem[] {
  if (validateSchema(flow)) return [];
  const out: FlowProblem[] = [];
  const seen = new Set<string>();
  for (const e of relevantErrors(validateSchema.errors ?? [])) {
    const { path, message } = schemaMessage(e);
    if (seen.has(message)) continue;
    seen.add(message);
    out.push({ severity: 'error', path, message, code: 'FLOW_SCHEMA' });
  }
  return out;
}

/** Every JSONata expression in a flow with its path. */
export function collectExpressions(flow: unknown): Array<{ path: YamlPath; expression: string; stepId?: string }> {
  const out: Array<{ path: YamlPath; expression: string; stepId?: string }> = [];
  const f = isObj(flow) ? flow : {};
  if (isObj(f.trigger) && typeof f.trigger.idempotencyKey === 'string') out.push({ path: ['trigger', 'idempotencyKey'], expression: f.trigger.idempotencyKey });
  const withValues = (v: unknown, path: YamlPath, stepId: string): void => {
    if (typeof v === 'string' && v.startsWith('=')) out.push({ path, expression: v.slice(1), stepId });
    else if (Array.isArray(v)) v.forEach((x, i) => withValues(x, [...path, i], stepId));
    else if (isObj(v)) for (const [k, x] of Object.entries(v)) withValues(x, [...path, k], stepId);
  };
  const steps = (list: unknown, path: YamlPath): void => {
    if (!Array.isArray(list)) return;
    list.forEach((s, i) => {
      if (!isObj(s)) return;
      const here = [...path, i];
      const stepId = typeof s.id === 'string' ? s.id : undefined;
      for (const key of ['expression', 'condition', 'items', 'when'] as const) {
        if (typeof s[key] === 'string') out.push({ path: [...here, key], expression: s[key] as string, stepId });
      }
      if (stepId) withValues(s.with, [...here, 'with'], stepId);
      steps(s.then, [...here, 'then']);
      steps(s.else, [...here, 'else']);
      steps(s.steps, [...here, 'steps']);
    });
  };
  steps(f.steps, ['steps']);
  return out;
}

export function validateFlow(flow: unknown, ctx: ValidationContext = {}): FlowProblem[] {
  const problems = validateFlowSchema(flow);
  const f = isObj(flow) ? flow : {};
  const declared = new Set(isObj(f.credentials) ? Object.keys(f.credentials) : []);
  const seenIds = new Set<string>();
  const laterIds = new Set<string>();
  const all: Array<{ s: Obj; path: YamlPath }> = [];
  const gather = (list: unknown, path: YamlPath) => {
    if (!Array.isArray(list)) return;
    list.forEach((s, i) => {
      if (!isObj(s)) return;
      all.push({ s, path: [...path, i] });
      gather(s.then, [...path, i, 'then']);
      gather(s.else, [...path, i, 'else']);
      gather(s.steps, [...path, i, 'steps']);
    });
  };
  gather(f.steps, ['steps']);
  for (const { s } of all) if (typeof s.id === 'string') laterIds.add(s.id);

  for (const { s, path } of all) {
    const id = typeof s.id === 'string' ? s.id : undefined;
    if (id && seenIds.has(id)) problems.push({ severity: 'error', path: [...path, 'id'], stepId: id, code: 'FLOW_DUPLICATE_STEP_ID', message: `Step id "${id}" is used twice; step ids must be unique in a flow.` });
    if (s.type === 'call') {
      const cred = s.credential;
      if (typeof cred === 'string' && !declared.has(cred)) {
        problems.push({ severity: 'error', path: [...path, 'credential'], stepId: id, code: 'FLOW_UNKNOWN_CREDENTIAL', message: `${formatPath(path)}.credential: "${cred}" is not declared under credentials; add it there with its connector.` });
      }
      const uses = typeof s.uses === 'string' ? s.uses : undefined;
      const op = uses ? ctx.operations?.get(uses) : undefined;
      if (uses && uses !== 'http' && ctx.operations && !op) {
        problems.push({ severity: 'error', path: [...path, 'uses'], stepId: id, code: 'FLOW_UNKNOWN_OPERATION', message: `${formatPath(path)}.uses: no catalog operation "${uses}"; pick one from the palette.` });
      }
      if (op && op.connector !== 'http' && cred === undefined) {
        problems.push({ severity: 'warning', path: [...path], stepId: id, code: 'FLOW_NO_CREDENTIAL', message: `Step "${id}" calls ${op.connector} without a credential; pick one in the inspector.` });
      }
      if (op?.inputSchema) problems.push(...missingInputs(op.inputSchema, s.with, [...path, 'with'], id));
    }
    if (id) seenIds.add(id);
  }

  // `$steps.x` must name a step that exists; a later step's output does not exist yet.
  const order = all.map(({ s }) => s.id);
  for (const e of collectExpressions(flow)) {
    for (const m of e.expression.matchAll(/\$steps\.([A-Za-z][A-Za-z0-9_]*)/g)) {
      const ref = m[1]!;
      if (!laterIds.has(ref)) {
        problems.push({ severity: 'error', path: e.path, stepId: e.stepId, code: 'FLOW_UNKNOWN_STEP_REF', message: `${formatPath(e.path)}: $steps.${ref} names no step of this flow.` });
      } else if (e.stepId && order.indexOf(ref) >= order.indexOf(e.stepId)) {
        problems.push({ severity: 'error', path: e.path, stepId: e.stepId, code: 'FLOW_LATER_STEP_REF', message: `${formatPath(e.path)}: $steps.${ref} runs after "${e.stepId}", so its output is not there yet; move the step or change the reference.` });
      }
    }
    if (ctx.compile) {
      try {
        ctx.compile(e.expression);
      } catch (err) {
        const pos = (err as { position?: number }).position;
        problems.push({ severity: 'error', path: e.path, stepId: e.stepId, code: 'FLOW_EXPRESSION_SYNTAX', message: `${formatPath(e.path)}: ${(err as Error).message}${pos !== undefined ? ` (at character ${pos})` : ''}` });
      }
    }
  }
  return problems;
}

/** Required path params, query and body fields of an operation that the step's `with` does not set. */
function missingInputs(schema: Obj, withValue: unknown, path: YamlPath, stepId?: string): FlowProblem[] {
  const out: FlowProblem[] = [];
  const props = isObj(schema.properties) ? schema.properties : {};
  const w = isObj(withValue) ? withValue : {};
  for (const section of ['params', 'query', 'body']) {
    const sub = props[section];
    if (!isObj(sub) || !Array.isArray(sub.required)) continue;
    const given = isObj(w[section]) ? (w[section] as Obj) : undefined;
    // A body given as one whole expression (`body: =...`) cannot be checked field by field here.
    if (typeof w[section] === 'string') continue;
    for (const req of sub.required as string[]) {
      if (!given || !(req in given)) {
        out.push({ severity: 'error', path: [...path, section, req], stepId, code: 'FLOW_MISSING_INPUT', message: `${formatPath(path)}.${section}.${req} is required by the operation; map a value to it.` });
      }
    }
  }
  return out;
}
