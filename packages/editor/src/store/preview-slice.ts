import type { StateCreator } from 'zustand';
import type { EditorState, PreviewSlice, PreviewState } from './editor-state';
import type { MappingBindings } from '@splice/runtime/mapping/index';
import { findStep } from '../mapping/source-fields';
import { enclosingForeach } from '../model/flow-graph';
import { PreviewClient } from '../preview/preview-client';




let client: PreviewClient | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What the preview evaluates against: the trigger's sample event, the last run's step outputs, env values. */
export function previewBindings(state: EditorState): MappingBindings {
  const data = state.flow?.data ?? {};
  const trigger = isObj(data.trigger) ? data.trigger : {};
  const event = trigger.sample ?? trigger.event ?? {};
  const steps: Record<string, unknown> = {};
  for (const s of state.flow?.lastRun?.steps ?? []) if (s.output !== undefined && !s.id.includes('.') && !s.id.includes('[')) steps[s.id] = s.output;
  const envValues = state.environments.find((e) => e.name === state.environment)?.values ?? {};
  return { event, steps, env: { ...(isObj(data.env) ? data.env : {}), ...envValues }, run: { id: 'preview', flow: String((data.metadata as Obj | undefined)?.name ?? 'flow') } };
}

export const createPreviewSlice: StateCreator<EditorState, [], [], PreviewSlice> = (set, get) => ({
  preview: undefined,
  workerRestarts: 0,
  refreshPreview() {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const state = get();
      const stepId = state.selected;
      const step = stepId && stepId !== 'trigger' ? findStep(state.flow?.data.steps, stepId) : undefined;
      if (!step || !stepId) return set({ preview: undefined });
      const bindings = previewBindings(state);
      const expression = step.type === 'map' ? step.expression : step.type === 'filter' || step.type === 'if' ? step.condition : step.type === 'foreach' ? step.items : undefined;
      const template = step.type === 'call' ? (step.with ?? {}) : undefined;
      if (typeof expression !== 'string' && template === undefined) return set({ preview: undefined });
      // While running, the last answer for this step stays on screen (no flicker while typing).
      const prev = get().preview?.stepId === stepId ? get().preview : undefined;
      set({ preview: { stepId, status: 'running', errors: prev?.errors ?? [], value: prev?.value, ...(prev && 'item' in prev ? { item: prev.item } : {}) } });
      client ??= new PreviewClient();
      // Inside foreach: `$item` is the first item of each enclosing loop, as in a run's first iteration.
      const graph = state.flow?.graph;
      const foreachItems = graph ? enclosingForeach(graph, stepId).reverse().map((id) => String(findStep(state.flow?.data.steps, id)?.items ?? '[]')) : [];
      const res = await client.evaluate({ input: bindings.event, bindings, foreachItems, ...(typeof expression === 'string' ? { expression } : { template }) });
      if (res.errors.some((e) => e.code === 'PREVIEW_SUPERSEDED')) return;
      const timedOut = res.errors.some((e) => e.code === 'MAPPING_TIMEOUT');
      set({
        workerRestarts: client.restarts,
        preview: { stepId, status: timedOut ? 'timeout' : res.ok && !res.errors.length ? 'done' : 'error', value: res.ok ? res.value : undefined, errors: res.errors, ...('item' in res ? { item: res.item } : {}) },
      });
    }, 120);
  },
});

export type { PreviewSlice, PreviewState };
