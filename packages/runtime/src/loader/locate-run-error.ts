import type { ExpressionLocation, SourceLocation } from '../errors';
import { walkSteps } from '../engine/steps/walk-steps';
import type { ParsedFlow } from './parse-flow';
import type { FieldPath } from './source-map';

/**
 * file:line:col of a run-time step error, from what the run record carries: the step's record path
 * (`loop[3].post`, `check.then.tag`) and, for an expression error, the field inside that step and the
 * character offset in its string (ExpressionLocation). Without an expression the step itself is pointed
 * at. Undefined when the step is not in this flow (a record from another revision).
 */
export function locateRunError(parsed: ParsedFlow, stepPath: string, expression?: ExpressionLocation): SourceLocation | undefined {
  const path = flowPathOfStep(parsed, stepPath);
  if (!path) return undefined;
  return expression ? parsed.locateInString([...path, ...expression.field], expression.offset) : parsed.locate(path);
}

/**
 * The flow field path (`['steps', 0, 'steps', 1]`) of a step record's path. Step ids are unique in the
 * whole flow and cannot hold `.` or `[` (the schema's stepId), so the record path's last segment names
 * the step; foreach item indexes and if branches before it only say how the run got there.
 */
export function flowPathOfStep(parsed: ParsedFlow, stepPath: string): FieldPath | undefined {
  const id = stepPath.split(/[.\]]/).pop();
  if (!id || !parsed.flow) return undefined;
  for (const { step, path } of walkSteps(parsed.flow.steps)) if (step.id === id) return path;
  return undefined;
}
