import { ActionRegistry, type ActionDefinition } from '@splice/runtime';
import { getCatalog } from './catalog';
import { createCatalogAction, type CatalogCallInput } from './catalog-action';

/**
 * An ActionRegistry with every catalog operation as an action, under its id and its aliases
 * (`highlevel.get-tags-location-id` = `highlevel.v2.get-tags-location-id`). The runtime's `http` action
 * is added by the CLI/server factory.
 */
export function createConnectorRegistry(opts: { connectors?: string[] } = {}): ActionRegistry {
  const registry = new ActionRegistry();
  registerCatalogActions(registry, opts);
  return registry;
}

/** Adds the catalog actions to an existing registry (e.g. one that already holds `http`). */
export function registerCatalogActions(registry: ActionRegistry, opts: { connectors?: string[] } = {}): ActionRegistry {
  for (const op of getCatalog(opts)) {
    const action = createCatalogAction(op);
    registry.register(action);
    for (const alias of op.aliases) registry.register(aliasOf(action, alias));
  }
  return registry;
}

function aliasOf(action: ActionDefinition<CatalogCallInput, unknown>, alias: string): ActionDefinition<CatalogCallInput, unknown> {
  return { ...action, id: alias, description: `${action.description ?? ''}${action.description ? ' ' : ''}(Alias of ${action.id}.)` };
}
