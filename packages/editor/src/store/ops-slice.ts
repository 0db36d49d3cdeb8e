import type { StateCreator } from 'zustand';
import type { EditorState, OpsSlice, RunFilters } from './editor-state';




export const createOpsSlice: StateCreator<EditorState, [], [], OpsSlice> = (set, get) => ({
  runs: [],
  runsCursor: undefined,
  runFilters: {},
  runDetail: undefined,
  deadLetters: [],

  async loadRuns(filters, more) {
    const f = filters ?? get().runFilters;
    const res = await get().attempt('load runs', () => get().api.runs({ ...f, limit: 50, cursor: more ? get().runsCursor : undefined }));
    if (res) set({ runs: more ? [...get().runs, ...res.runs] : res.runs, runsCursor: res.nextCursor, runFilters: f });
  },
  async loadRun(runId, refresh) {
    if (!refresh) set({ runDetail: undefined });
    const res = await get().attempt(`load run ${runId}`, () => get().api.run(runId));
    if (res) set({ runDetail: res });
  },
  async replay(runId) {
    const res = await get().attempt(`replay run ${runId}`, () => get().api.replayRun(runId));
    if (res) {
      get().notify('info', `Replaying as run ${res.runId}.`);
      get().navigate({ name: 'run', runId: res.runId });
    }
  },
  async loadDeadLetters() {
    const res = await get().attempt('load dead letters', () => get().api.deadLetters());
    if (res) set({ deadLetters: res.deadLetters });
  },
  async replayDeadLetter(id) {
    const res = await get().attempt('replay the dead letter', () => get().api.replayDeadLetter(id));
    if (res) {
      get().notify('info', `Replaying as run ${res.runId}.`);
      await get().loadDeadLetters();
    }
  },
});

export type { OpsSlice, RunFilters };
