import type { StateCreator } from 'zustand';
import type { EditorState, AppSlice, CatalogEntry, Notice } from './editor-state';
import { ApiClient, ApiRequestError, storeToken } from '../api/api-client';
import type { OperationFacts } from '../model/flow-validation';
import { parseRoute, routeHash } from './routes';





let noticeId = 1;

export const createAppSlice: StateCreator<EditorState, [], [], AppSlice> = (set, get) => ({
  token: undefined,
  route: parseRoute(typeof window === 'undefined' ? '' : window.location.hash),
  api: new ApiClient(
    () => get().token,
    () => {
      storeToken(undefined);
      set({ token: undefined });
    },
  ),
  catalog: [],
  operations: new Map(),
  operationFacts: new Map(),
  templates: [],
  credentials: [],
  environments: [],
  environment: 'staging',
  notices: [],

  async login(token) {
    set({ token });
    try {
      await get().api.flows();
    } catch (err) {
      set({ token: undefined });
      get().notify('error', err instanceof ApiRequestError && err.status === 401 ? 'That token was not accepted. Copy it from the `splice start` output.' : (err as Error).message);
      return false;
    }
    storeToken(token);
    void get().loadReferenceData();
    return true;
  },
  logout() {
    storeToken(undefined);
    set({ token: undefined });
  },
  navigate(route) {
    const hash = routeHash(route);
    const f = get().flow;
    const editing = get().route.name === 'flow' || get().route.name === 'new-flow';
    if (editing && f && f.text !== f.savedText && hash !== window.location.hash && !window.confirm('This flow has unsaved changes. Leave without saving them?')) return;
    if (window.location.hash !== hash) window.location.hash = hash;
    set({ route });
  },
  syncRoute(hash) {
    set({ route: parseRoute(hash) });
  },
  async loadReferenceData() {
    const { api } = get();
    const [catalog, templates, envs] = await Promise.all([
      get().attempt('load the catalog', () => api.catalog()),
      get().attempt('load the templates', () => api.templates()),
      get().attempt('load the environments', () => api.environments()),
    ]);
    if (catalog) {
      const operations = new Map<string, CatalogEntry>();
      const operationFacts = new Map<string, OperationFacts>();
      for (const c of catalog.connectors) {
        for (const op of c.operations) {
          // Flows may name an operation by its id or by an alias (e.g. without the API version).
          const aliases = (op as { aliases?: string[] }).aliases ?? [];
          for (const id of [op.id, ...aliases]) {
            operations.set(id, { ...op, connector: c.id, connectorTitle: c.title });
            operationFacts.set(id, { id: op.id, connector: c.id, inputSchema: op.inputSchema });
          }
        }
      }
      set({ catalog: catalog.connectors, operations, operationFacts });
    }
    if (templates) set({ templates: templates.templates });
    if (envs) set({ environments: envs.environments });
    await get().loadCredentials();
  },
  async loadCredentials() {
    const res = await get().attempt('load the credentials', () => get().api.credentials());
    if (res) set({ credentials: res.credentials });
  },
  setEnvironment(environment) {
    set({ environment });
  },
  notify(kind, text) {
    const id = noticeId++;
    set({ notices: [...get().notices.slice(-3), { id, kind, text }] });
    if (kind === 'info') setTimeout(() => get().dismiss(id), 5000);
  },
  dismiss(id) {
    set({ notices: get().notices.filter((n) => n.id !== id) });
  },
  async attempt(what, fn) {
    try {
      return await fn();
    } catch (err) {
      const e = err as ApiRequestError;
      const issues = e.issues?.length ? ` ${e.issues.map((i) => i.message).join('; ')}` : '';
      get().notify('error', `Could not ${what}: ${e.message}${issues}`);
      return undefined;
    }
  },
});

export type { AppSlice, CatalogEntry, Notice };
