import type { ActionRegistry } from '../actions/action';
import { stepDefinition } from '../engine/steps/index';
import { SpliceError } from '../errors';
import { compileExpression, expressionAst } from '../mapping/compile';
import type { Step } from '../model/flow';
import { didYouMean } from './closest-match';
import type { FieldPath } from './source-map';

/** A problem found in the flow's meaning, located by field path (and offset inside a string, if known). */
export interface SemanticProblem {
  path: FieldPath;
  offset?: number;
  atKey?: boolean;
  code: string;
  message: string;
}

interface StepSite {
  step: Step;
  path: FieldPath;
}

/**
 * Checks that need more than the schema: unique step ids (nested ones included), `$steps.<id>` references
 * to steps that exist and finish earlier, JSONata that compiles, known actions and declared credentials.
 * Written against untrusted data: it runs even when the schema check failed, so all problems show at once.
 */
export function semanticProblems(data: unknown, opts: { actions?: ActionRegistry } = {}): SemanticProblem[] {
  const flow = (data ?? {}) as { steps?: unknown; credentials?: unknown; trigger?: unknown };
  const problems: SemanticProblem[] = [];
  const sites: StepSite[] = [];
  collectSteps(flow.steps, ['steps'], sites);

  const firstById = new Map<string, StepSite>();
  for (const site of sites) {
    const id = site.step.id;
    const first = firstById.get(id);
    if (first) {
      problems.push({
        path: [...site.path, 'id'],
        code: 'FLOW_DUPLICATE_STEP_ID',
        message: `step id \`${id}\` is used twice (also at ${pathText(first.path)}): step ids must be unique in the whole flow, nested steps included. Rename one.`,
      });
    } else firstById.set(id, site);
  }
  const allIds = [...firstById.keys()];

  checkSequence(flow.steps, ['steps'], new Set<string>(), allIds, problems, opts);

  const declared = flow.credentials && typeof flow.credentials === 'object' ? Object.keys(flow.credentials) : [];
  const trigger = flow.trigger as { secret?: unknown; idempotencyKey?: unknown; forEachLocation?: unknown } | undefined;
  if (typeof trigger?.secret === 'string' && !declared.includes(trigger.secret)) {
    problems.push(undeclaredCredential(['trigger', 'secret'], trigger.secret, declared));
  }
  if (typeof trigger?.forEachLocation === 'string' && !declared.includes(trigger.forEachLocation)) {
    problems.push(undeclaredCredential(['trigger', 'forEachLocation'], trigger.forEachLocation, declared));
  }
  if (typeof trigger?.idempotencyKey === 'string') {
    checkExpression(trigger.idempotencyKey, ['trigger', 'idempotencyKey'], 0, new Set(), allIds, problems);
  }
  for (const site of sites) {
    const s = site.step as { type?: unknown; uses?: unknown; credential?: unknown };
    if (s.type !== 'call') continue;
    if (typeof s.credential === 'string' && !declared.includes(s.credential))
      problems.push(undeclaredCredential([...site.path, 'credential'], s.credential, declared));
    if (opts.actions && typeof s.uses === 'string' && !opts.actions.has(s.uses)) {
      const ids = opts.actions.list().map((a) => a.id);
      problems.push({
        path: [...site.path, 'uses'],
        code: 'FLOW_UNKNOWN_ACTION',
        message: `unknown action \`${s.uses}\` in step \`${site.step.id}\`${didYouMean(s.uses, ids)}: use \`http\` or an operation id listed by \`splice catalog\`.`,
      });
    }
  }
  return problems;
}

function isStep(v: unknown): v is Step {
  return (
    !!v && typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string' && typeof (v as { type?: unknown }).type === 'string'
  );
}

function collectSteps(steps: unknown, path: FieldPath, out: StepSite[]): void {
  if (!Array.isArray(steps)) return;
  steps.forEach((step, i) => {
    if (!isStep(step)) return;
    const site = { step, path: [...path, i] };
    out.push(site);
    for (const child of stepDefinition(step.type)?.children(step as never) ?? []) collectSteps(child.steps, [...site.path, child.key], out);
  });
}

/**
 * Walks steps in execution order. `visible` holds the ids whose output exists when a step starts: earlier
 * siblings, earlier steps of enclosing sequences and, after an `if`, its branch steps. Sub-steps of a
 * foreach are visible only inside that foreach's body.
 */
function checkSequence(
  steps: unknown,
  path: FieldPath,
  visible: Set<string>,
  allIds: string[],
  problems: SemanticProblem[],
  opts: { actions?: ActionRegistry },
): void {
  if (!Array.isArray(steps)) return;
  steps.forEach((step, i) => {
    if (!isStep(step)) return;
    const stepPath = [...path, i];
    const def = stepDefinition(step.type);
    if (!def) return;
    for (const e of def.expressions(step as never))
      checkExpression(e.source, [...stepPath, ...e.path], e.prefixLength, visible, allIds, problems, step.id);
    const published: string[] = [];
    for (const child of def.children(step as never)) {
      const inner = new Set(visible);
      checkSequence(child.steps, [...stepPath, child.key], inner, allIds, problems, opts);
      if (child.scope === 'shared') for (const id of inner) if (!visible.has(id)) published.push(id);
    }
    visible.add(step.id);
    for (const id of published) visible.add(id);
  });
}

function checkExpression(
  source: string,
  path: FieldPath,
  prefixLength: number,
  visible: Set<string>,
  allIds: string[],
  problems: SemanticProblem[],
  ownId?: string,
): void {
  let ast: unknown;
  try {
    ast = expressionAst(compileExpression(source));
  } catch (err) {
    const offset = err instanceof SpliceError && typeof err.details?.offset === 'number' ? err.details.offset : 0;
    const message = err instanceof SpliceError ? err.message : String(err);
    problems.push({ path, offset: offset + prefixLength, code: 'FLOW_EXPRESSION_SYNTAX', message });
    return;
  }
  for (const ref of stepReferences(ast)) {
    if (visible.has(ref.id)) continue;
    const offset = Math.max(0, ref.offset) + prefixLength;
    if (!allIds.includes(ref.id)) {
      problems.push({
        path,
        offset,
        code: 'FLOW_UNKNOWN_STEP_REFERENCE',
        message: `\`$steps.${ref.id}\` refers to no step${didYouMean(ref.id, allIds)}. Use the id of an earlier step.`,
      });
    } else {
      const why =
        ref.id === ownId
          ? 'this step itself'
          : 'a step that has not finished when this expression runs (a later step, an enclosing step, or a sub-step of a foreach)';
      problems.push({
        path,
        offset,
        code: 'FLOW_FORWARD_STEP_REFERENCE',
        message: `\`$steps.${ref.id}\` refers to ${why}. An expression can only read the output of steps that ran before it: move step \`${ref.id}\` earlier or read another step.`,
      });
    }
  }
}

/** `$steps.<id>` uses in a jsonata AST, with the offset of `<id>` in the expression text. */
export function stepReferences(ast: unknown): Array<{ id: string; offset: number }> {
  const refs: Array<{ id: string; offset: number }> = [];
  const seen = new Set<unknown>();
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    const n = node as { type?: string; steps?: Array<{ type?: string; value?: unknown; position?: number }> };
    if (n.type === 'path' && Array.isArray(n.steps)) {
      const [first, second] = n.steps;
      if (first?.type === 'variable' && first.value === 'steps' && second?.type === 'name' && typeof second.value === 'string') {
        refs.push({ id: second.value, offset: (second.position ?? 0) - second.value.length });
      }
    }
    for (const v of Object.values(node)) visit(v);
  };
  visit(ast);
  return refs;
}

function undeclaredCredential(path: FieldPath, name: string, declared: string[]): SemanticProblem {
  return {
    path,
    code: 'FLOW_UNDECLARED_CREDENTIAL',
    message: `credential \`${name}\` is not declared${didYouMean(name, declared)}: add it under \`credentials:\` (e.g. \`${name}: { connector: highlevel }\`).`,
  };
}

function pathText(path: FieldPath): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
    .join('')
    .replace(/^\./, '');
}
