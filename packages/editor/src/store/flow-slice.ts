import type { StateCreator } from 'zustand';
import type { EditorState, FlowSlice, OpenFlow } from './editor-state';
import { compileExpression } from '@splice/runtime/mapping/index';
import { FlowDocument } from '../model/flow-document';
import { addStep, connectSteps, deleteStep, FlowEditError, renameStep, setTrigger } from '../model/flow-edits';
import { flowToGraph, type FlowGraph } from '../model/flow-graph';
import { layoutGraph } from '../model/flow-layout';
import { describeRunOutcome } from '../model/run-outcome';
import { validateFlow } from '../model/flow-validation';
import type { ApiRequestError } from '../api/api-client';




export const NEW_FLOW_YAML = `# A new Splice flow: edit it on the canvas or right here; comments are kept.
apiVersion: splice/v1
kind: Flow
metadata:
  name: my-flow
  title: My flow
trigger:
  type: manual
  # The event used by the mapping preview and test runs.
  sample: {}
steps:
  - id: start
    type: map
    expression: $event
`;

const structureKey = (g: FlowGraph) => g.nodes.map((n) => n.id).join(',') + '|' + g.edges.map((e) => `${e.source}>${e.target}`).join(',');
let validateTimer: ReturnType<typeof setTimeout> | undefined;

function derive(text: string, previous: OpenFlow | undefined, facts: EditorState['operationFacts']) {
  const doc = FlowDocument.parse(text);
  if (doc.hasSyntaxErrors && previous) return { text, yamlProblems: doc.problems, data: previous.data, graph: previous.graph, problems: previous.problems };
  const data = doc.toJS();
  const problems = validateFlow(data, { operations: facts.size ? facts : undefined, compile: compileExpression }).map((p) => ({ ...p }));
  return { text, yamlProblems: doc.problems, data, graph: flowToGraph(data), problems };
}

export const createFlowSlice: StateCreator<EditorState, [], [], FlowSlice> = (set, get) => {
  const relayoutIfNeeded = (before: FlowGraph | undefined) => {
    const f = get().flow;
    if (f && (!before || structureKey(before) !== structureKey(f.graph))) void get().autoLayout();
  };
  const load = (partial: Pick<OpenFlow, 'id' | 'headRevision' | 'text' | 'savedText'>) => {
    const d = derive(partial.text, undefined, get().operationFacts);
    set({ flow: { ...partial, ...d, serverIssues: { errors: [], warnings: [] }, positions: {}, running: false, saving: false }, selected: undefined });
    relayoutIfNeeded(undefined);
    void get().validateRemote();
  };
  return {
    flow: undefined,
    selected: undefined,
    showYaml: true,

    async openFlow(id) {
      const res = await get().attempt(`open flow ${id}`, () => get().api.flow(id));
      if (!res) return;
      load({ id: res.flow.id, headRevision: res.flow.headRevision, text: res.flow.yaml, savedText: res.flow.yaml });
    },
    newFlow() {
      load({ id: undefined, text: NEW_FLOW_YAML, savedText: '' });
    },
    setText(text) {
      const f = get().flow;
      if (!f || text === f.text) return;
      const before = f.graph;
      set({ flow: { ...f, ...derive(text, f, get().operationFacts) } });
      relayoutIfNeeded(before);
      clearTimeout(validateTimer);
      validateTimer = setTimeout(() => void get().validateRemote(), 400);
    },
    edit(fn) {
      const f = get().flow;
      if (!f) return false;
      const doc = FlowDocument.parse(f.text);
      if (doc.hasSyntaxErrors) {
        get().notify('error', `Fix the YAML syntax error at line ${doc.problems[0]?.line} first; the visual editor needs valid YAML.`);
        return false;
      }
      try {
        fn(doc, f.graph);
      } catch (err) {
        if (err instanceof FlowEditError) {
          get().notify('error', err.message);
          return false;
        }
        throw err;
      }
      get().setText(doc.toString());
      return true;
    },
    select(id) {
      set({ selected: id });
    },
    toggleYaml(show) {
      set({ showYaml: show ?? !get().showYaml });
    },
    addNode(spec, place) {
      let id = '';
      // An explicit place wins (afterId undefined: the end of the flow); else after the selected node.
      const afterId = place && 'afterId' in place ? place.afterId : get().selected;
      if (get().edit((doc, graph) => (id = addStep(doc, graph, spec, afterId && afterId !== 'trigger' ? { ...place, afterId } : place))) && id) set({ selected: id });
    },
    setTriggerFrom(t) {
      const next: Record<string, unknown> = { type: t.type };
      if (t.type === 'webhook') {
        next.source = t.source ?? 'generic';
        if (t.event) next.events = [t.event];
      }
      if (t.sample !== undefined) next.sample = t.sample;
      if (t.type === 'schedule') next.cron = '*/15 * * * *';
      get().edit((doc) => setTrigger(doc, next));
      set({ selected: 'trigger' });
    },
    connect(source, target, kind = 'next') {
      get().edit((doc, graph) => connectSteps(doc, graph, source, target, kind));
    },
    removeNode(id) {
      if (get().edit((doc, graph) => deleteStep(doc, graph, id)) && get().selected === id) set({ selected: undefined });
    },
    rename(oldId, newId) {
      if (get().edit((doc, graph) => renameStep(doc, graph, oldId, newId))) set({ selected: newId });
    },
    setField(path, value) {
      get().edit((doc) => doc.set(path, value));
    },
    deleteField(path) {
      get().edit((doc) => void doc.delete(path));
    },
    moveNode(id, pos) {
      const f = get().flow;
      if (f) set({ flow: { ...f, positions: { ...f.positions, [id]: pos } } });
    },
    async autoLayout() {
      const f = get().flow;
      if (!f) return;
      const positions = Object.fromEntries(await layoutGraph(f.graph));
      const now = get().flow;
      if (now && structureKey(now.graph) === structureKey(f.graph)) set({ flow: { ...now, positions } });
    },
    async save() {
      const f = get().flow;
      if (!f) return false;
      set({ flow: { ...f, saving: true } });
      const api = get().api;
      try {
        const res = f.id
          ? await api.updateFlow(f.id, { yaml: f.text, baseRevision: f.headRevision, message: 'Saved in the editor', author: 'editor' })
          : await api.createFlow({ yaml: f.text, message: 'Created in the editor', author: 'editor' });
        const now = get().flow!;
        set({ flow: { ...now, id: res.flow.id, headRevision: res.flow.headRevision, savedText: f.text, saving: false, serverIssues: res.flow.validation } });
        if (!f.id) window.history.replaceState(null, '', `#/flows/${encodeURIComponent(res.flow.id)}`);
        get().notify('info', res.created ? `Saved revision ${res.revision.revision}.` : 'No changes to save.');
        return true;
      } catch (err) {
        set({ flow: { ...get().flow!, saving: false } });
        const e = err as ApiRequestError;
        get().notify('error', e.code === 'REVISION_CONFLICT' ? 'Someone saved this flow since you opened it. Copy your changes, reopen the flow and apply them again.' : `Could not save: ${e.message}`);
        return false;
      }
    },
    async testRun() {
      let f = get().flow;
      if (!f) return;
      if (!f.id || f.text !== f.savedText) {
        if (!(await get().save())) return;
        f = get().flow!;
      }
      set({ flow: { ...f, running: true } });
      const run = await get().attempt('run the flow against staging', () => get().api.testRun(f!.id!, { yaml: f!.text }));
      const now = get().flow!;
      set({ flow: { ...now, running: false, lastRun: run ?? now.lastRun } });
      if (run) {
        const outcome = describeRunOutcome(run);
        get().notify(outcome.kind, outcome.text);
      }
    },
    async validateRemote() {
      const f = get().flow;
      if (!f) return;
      try {
        const res = await get().api.validate({ yaml: f.text, environment: get().environment });
        const now = get().flow;
        if (now && now.text === f.text) set({ flow: { ...now, serverIssues: { errors: res.errors, warnings: res.warnings } } });
      } catch {
        // The local validation still shows; the server's view comes back with the next change.
      }
    },
  };
};

export type { FlowSlice, OpenFlow };
