import type { CredentialStore } from './credential-store';
import { AgencyApiError, listInstalledLocations } from './highlevel-agency-api';
import { agencyApiBase, appIdOf } from './kinds/highlevel-locations';
import type { TokenRefresher } from './token-refresher';

/** Locations the credential gained or lost in one sync. */
export interface LocationSyncResult {
  installed: number;
  added: string[];
  removed: string[];
}

/**
 * Reads where the app is installed (GET /oauth/installedLocations with the company token, every page)
 * and makes the credential's locations match: new ones are added with their names, gone ones marked
 * uninstalled (their tokens dropped). A location an INSTALL webhook added in the last minute is kept
 * even when the list does not show it yet, so a sync racing a fresh install does not undo it.
 */
export async function syncInstalledLocations(opts: {
  store: CredentialStore;
  refresher: TokenRefresher;
  name: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}): Promise<LocationSyncResult> {
  const { store, refresher, name } = opts;
  const startedAt = Date.now();
  let company = await refresher.ensureFresh(name);
  const list = () =>
    listInstalledLocations({
      base: agencyApiBase(company.info.meta),
      companyToken: company.secret.accessToken ?? '',
      companyId: company.info.meta.companyId ?? '',
      appId: appIdOf(company.info.meta),
      fetch: opts.fetch,
      timeoutMs: opts.timeoutMs,
    });
  let found;
  try {
    found = await list();
  } catch (err) {
    if (!(err instanceof AgencyApiError && err.status === 401)) throw err;
    company = await refresher.refresh(name, company.version, 'unauthorized');
    found = await list();
  }
  const id = company.info.id;
  const before = await store.locations.list(id);
  const known = new Map(before.map((l) => [l.locationId, l]));
  const added: string[] = [];
  await store.transaction(async (tx) => {
    for (const l of found) {
      if (known.get(l.id)?.status !== 'installed') added.push(l.id);
      await store.locations.upsertInstalled(
        id,
        { locationId: l.id, name: l.name, ...(l.address ? { address: l.address } : {}), source: 'installed-locations', ...(l.installedAt ? { installedAt: l.installedAt } : {}) },
        tx,
      );
    }
  });
  const listed = new Set(found.map((l) => l.id));
  const removed: string[] = [];
  for (const l of before) {
    if (l.status !== 'installed' || listed.has(l.locationId)) continue;
    if (l.source === 'webhook' && Date.parse(l.updatedAt) > startedAt - 60_000) continue;
    await store.locations.markUninstalled(id, l.locationId);
    removed.push(l.locationId);
  }
  return { installed: found.length, added, removed };
}
