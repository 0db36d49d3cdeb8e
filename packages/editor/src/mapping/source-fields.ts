import type { RunRecord } from '@splice/server/api/contract';
import { stepsBefore } from '../model/flow-graph';
import { fieldTreeFromSchema, fieldTreeFromValue, mergeFieldTrees, type FieldNode } from './field-tree';
import type { SourceRoot } from './path-writer';

/**
 * The mapping editor's left side for one step: the trigger's sample event, each earlier step's output
 * (from its schema, enriched by the last run), and the environment values.
 */
export interface SourceGroup {
  root: SourceRoot;
  label: string;
  fields: FieldNode[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function findStep(steps: unknown, id: string): Obj | undefined {
  if (!Array.isArray(steps)) return undefined;
  for (const s of steps) {
    if (!isObj(s)) continue;
    if (s.id === id) return s;
    const inner = findStep(s.then, id) ?? findStep(s.else, id) ?? findStep(s.steps, id);
    if (inner) return inner;
  }
  return undefined;
}

export function sourceGroups(
  flow: Obj,
  stepId: string,
  outputSchemaOf: (uses: string) => Record<string, unknown> | undefined,
  lastRun?: RunRecord,
  envValues: Record<string, unknown> = {},
  /** Inside foreach: the item the preview used (`$item`). */
  item?: { value: unknown },
): SourceGroup[] {
  const trigger = isObj(flow.trigger) ? flow.trigger : {};
  const sample = trigger.sample ?? trigger.event;
  const eventFields = mergeFieldTrees(isObj(trigger.input) ? fieldTreeFromSchema(trigger.input) : [], fieldTreeFromValue(sample ?? {}));
  const groups: SourceGroup[] = [{ root: { kind: 'event' }, label: 'Trigger event', fields: eventFields }];
  if (item) groups.push({ root: { kind: 'item' }, label: 'Current item (first of the loop)', fields: fieldTreeFromValue(item.value ?? {}) });
  for (const id of stepsBefore(flow, stepId)) {
    const step = findStep(flow.steps, id);
    if (!step) continue;
    const schema = step.type === 'call' && typeof step.uses === 'string' ? outputSchemaOf(step.uses) : isObj(step.schema) ? step.schema : undefined;
    const output = lastRun?.steps.find((r) => r.id === id)?.output;
    const fields = mergeFieldTrees(schema ? fieldTreeFromSchema(schema) : [], output !== undefined ? fieldTreeFromValue(output) : []);
    groups.push({ root: { kind: 'step', stepId: id }, label: `${typeof step.name === 'string' ? step.name : id} (step output)`, fields });
  }
  const env = { ...(isObj(flow.env) ? flow.env : {}), ...envValues };
  if (Object.keys(env).length) groups.push({ root: { kind: 'env' }, label: 'Environment', fields: fieldTreeFromValue(env) });
  return groups;
}
