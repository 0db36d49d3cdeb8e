import type { StateCreator } from 'zustand';
import type * as C from '@splice/server/api/contract';
import type { EditorState } from './store';

/** Operations screens: run history with filters, one run's detail, replay, dead letters. */
export interface RunFilters {
  flow?: string;
  status?: string;
}

export interface OpsSlice {
  runs: C.RunSummary[];
  runsCursor: string | undefined;
  runFilters: RunFilters;
  runDetail: C.RunDetailResponse | undefined;
  deadLetters: C.DeadLetter[];
  loadRuns(filters?: RunFilters, more?: boolean): Promise<void>;
  loadRun(runId: string, refresh?: boolean): Promise<void>;
  replay(runId: string): Promise<void>;
  loadDeadLetters(): Promise<void>;
  replayDeadLetter(id: string): Promise<void>;
}

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
