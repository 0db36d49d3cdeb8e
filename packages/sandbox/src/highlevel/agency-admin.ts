import type { Router } from 'express';
import { SandboxConfigError } from '../errors';
import { type AppInstalls, appIdOf } from './app-installs';
import { addExtraDemoLocation, type DemoLocation, type HighLevelDemoData } from './demo-data';
import type { TokenStore } from './token-store';

/**
 * The agency's side of the admin API: a new sub-account joins the company, the app is installed on a
 * location or uninstalled from it. Each change raises HighLevel's app webhook (`INSTALL` with
 * `installType: "Location"`, or `UNINSTALL`) to the app's subscriptions, as HighLevel does, so a
 * receiver learns of it without polling `/oauth/installedLocations`.
 */
export interface AgencyAdminDeps {
  data: () => HighLevelDemoData;
  installs: AppInstalls;
  tokens: TokenStore;
  /** The demo marketplace app's OAuth client id. */
  clientId: string;
  publish: (type: string, locationId: string, payload: Record<string, unknown>) => void;
}

export interface InstalledLocationView {
  id: string;
  name: string;
  address: string;
  installed: boolean;
  installedAt?: string;
}

export function createAgencyAdmin(deps: AgencyAdminDeps) {
  const find = (locationId: string): DemoLocation => {
    const loc = deps.data().locations.find((l) => l.id === locationId);
    if (!loc) {
      throw new SandboxConfigError(
        'SANDBOX_UNKNOWN_LOCATION',
        `no location ${locationId}; pick one of ${deps
          .data()
          .locations.map((l) => l.id)
          .join(', ')} or add one with POST /_sandbox/locations`,
      );
    }
    return loc;
  };
  const view = (l: DemoLocation): InstalledLocationView => {
    const i = deps.installs.get(deps.clientId, l.id);
    return { id: l.id, name: l.name, address: l.address, installed: Boolean(i), ...(i ? { installedAt: i.installedAt } : {}) };
  };

  const admin = {
    /** Installs the demo app on a location and sends INSTALL; a no-op (no webhook) when it is installed already. */
    installApp(locationId: string): InstalledLocationView {
      const loc = find(locationId);
      if (deps.installs.install(deps.clientId, loc.id)) {
        const data = deps.data();
        deps.publish('INSTALL', loc.id, {
          appId: appIdOf(deps.clientId),
          installType: 'Location',
          companyId: data.companyId,
          userId: data.userId,
          companyName: 'Splice Sandbox Agency',
        });
      }
      return view(loc);
    },
    /** Uninstalls it (its location tokens stop working) and sends UNINSTALL. */
    uninstallApp(locationId: string): InstalledLocationView {
      const loc = find(locationId);
      if (deps.installs.uninstall(deps.clientId, loc.id)) {
        deps.tokens.revokeLocation(deps.clientId, loc.id, (a, b) => appIdOf(a) === appIdOf(b));
        deps.publish('UNINSTALL', loc.id, { appId: appIdOf(deps.clientId), companyId: deps.data().companyId });
      }
      return view(loc);
    },
    /** A new location of the company with its own demo data; installs the app there unless `install` is false. */
    addLocation(o: { name?: string; install?: boolean } = {}): InstalledLocationView {
      if (o.name !== undefined && (typeof o.name !== 'string' || !o.name.trim())) {
        throw new SandboxConfigError('SANDBOX_BAD_OPTION', '`name` must be a non-empty string (or left out for a demo name)');
      }
      const loc = addExtraDemoLocation(deps.data(), o.name?.trim());
      return o.install === false ? view(loc) : admin.installApp(loc.id);
    },
    locations: (): InstalledLocationView[] => deps.data().locations.map(view),
  };
  return admin;
}

export type AgencyAdmin = ReturnType<typeof createAgencyAdmin>;

export function addAgencyAdminRoutes(router: Router, admin: AgencyAdmin): void {
  router.get('/locations', (_req, res) => res.json({ locations: admin.locations() }));
  router.post('/locations', (req, res) => res.status(201).json(admin.addLocation(req.body ?? {})));
  router.post('/locations/:locationId/install', (req, res) => res.json(admin.installApp(String(req.params.locationId))));
  router.post('/locations/:locationId/uninstall', (req, res) => res.json(admin.uninstallApp(String(req.params.locationId))));
}
