import { ActionRegistry, httpAction } from '../../../packages/runtime/src/index';
import { registerCatalogActions } from '../../../packages/connectors/src/index';
import { createSpliceActions } from '../../../packages/server/src/insights/index';
import type { SpliceDb } from '../../../packages/server/src/storage/database';

/** Every action a template may use: `http`, the catalog (HighLevel, Payaca) and Splice's own data actions. */
export function templateActions(db: SpliceDb): ActionRegistry {
  const registry = new ActionRegistry().register(httpAction);
  registerCatalogActions(registry);
  registry.register(...createSpliceActions(db));
  return registry;
}
