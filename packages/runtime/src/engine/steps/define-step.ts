import type { Step } from '../../model/flow';
import type { StepRunContext } from '../step-context';

export type FieldPath = (string | number)[];

/** A JSONata expression held by a step: where it is (relative to the step) and its text. */
export interface StepExpression {
  path: FieldPath;
  source: string;
  /** Characters before the expression inside the YAML string (1 for a `=` template value). */
  prefixLength: number;
}

/** Nested steps of a step. `item` scopes (foreach) see their own sub-steps; `shared` ones (if) publish theirs. */
export interface StepChildren {
  key: string;
  steps: Step[];
  scope: 'shared' | 'item';
}

export interface StepResult {
  /** Default `succeeded`. */
  status?: 'succeeded' | 'skipped' | 'filtered';
  output?: unknown;
  /** Stop the enclosing sequence (a false filter): the run ends `filtered`, later steps are `skipped`. */
  stop?: boolean;
}

/**
 * A step type, declared once: validation (expressions to compile and check, nested steps), the engine
 * (run) and docs read this. Everything here must stay browser-safe (the editor validates with it).
 */
export interface StepDefinition<S extends Step = Step> {
  type: S['type'];
  title: string;
  description: string;
  expressions(step: S): StepExpression[];
  children(step: S): StepChildren[];
  run(step: S, ctx: StepRunContext): Promise<StepResult>;
}

export function defineStep<S extends Step>(def: StepDefinition<S>): StepDefinition<S> {
  return def;
}

/** An expression field, when it holds a string (validation runs on flows that may not match the schema). */
export function expressionField(step: object, key: string): StepExpression[] {
  const source = (step as Record<string, unknown>)[key];
  return typeof source === 'string' ? [{ path: [key], source, prefixLength: 0 }] : [];
}

export function childSteps(step: object, key: string, scope: 'shared' | 'item'): StepChildren[] {
  const steps = (step as Record<string, unknown>)[key];
  return Array.isArray(steps) ? [{ key, steps: steps as Step[], scope }] : [];
}
