/**
 * Where the marketplace app is installed: per app and location, since when. An agency (Company-level)
 * install covers the locations listed here; a location that installs the app later joins at once (an
 * agency's company token can mint a location token for it without being refreshed), and an uninstalled
 * location drops out. `/oauth/locationToken`, `/oauth/installedLocations` and the INSTALL/UNINSTALL
 * webhooks all read this one registry.
 */

/** HighLevel's app id is the part of the OAuth client id before the first `-` (the official SDK reads it so). */
export function appIdOf(clientId: string): string {
  return clientId.split('-')[0] ?? clientId;
}

export interface AppInstall {
  locationId: string;
  installedAt: string;
}

export class AppInstalls {
  private readonly byApp = new Map<string, Map<string, AppInstall>>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Installs the app (client id or app id) on a location; false when it was installed already. */
  install(app: string, locationId: string, at = new Date(this.now()).toISOString()): boolean {
    const m = this.locationsOf(app);
    if (m.has(locationId)) return false;
    m.set(locationId, { locationId, installedAt: at });
    return true;
  }

  /** False when the app was not installed there. */
  uninstall(app: string, locationId: string): boolean {
    return this.locationsOf(app).delete(locationId);
  }

  isInstalled(app: string, locationId: string): boolean {
    return this.locationsOf(app).has(locationId);
  }

  get(app: string, locationId: string): AppInstall | undefined {
    return this.locationsOf(app).get(locationId);
  }

  list(app: string): AppInstall[] {
    return [...this.locationsOf(app).values()];
  }

  clear(): void {
    this.byApp.clear();
  }

  private locationsOf(app: string): Map<string, AppInstall> {
    const id = appIdOf(app);
    let m = this.byApp.get(id);
    if (!m) this.byApp.set(id, (m = new Map()));
    return m;
  }
}
