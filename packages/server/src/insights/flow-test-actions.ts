import { ActionRegistry } from '@splice/runtime';
import { openMemoryDatabase } from './memory-database';
import { createSpliceActions, SPLICE_CONNECTOR } from './splice-actions';

/**
 * The actions for running flow tests: the given registry with the `splice.*` data actions moved onto a
 * fresh in-memory store, so tests (e.g. before a promotion) never write into the server's dashboards and
 * always start from an empty store. Call `close()` when the test file is done.
 */
export async function flowTestActions(base: ActionRegistry): Promise<{ actions: ActionRegistry; close(): Promise<void> }> {
  const store = await openMemoryDatabase();
  const actions = new ActionRegistry();
  for (const a of base.list()) if (a.connector !== SPLICE_CONNECTOR) actions.register(a);
  actions.register(...createSpliceActions(store.db));
  return { actions, close: () => store.close() };
}
