import type { IncomingHttpHeaders } from 'node:http';
import { verifySignature } from '../signatures/verify-signature';
import type { WebhookKey } from '../signatures/webhook-secret-source';
import type { CredentialStore } from './credential-store';
import { appIdOf } from './kinds/highlevel-locations';
import type { LocationTokens } from './location-tokens';

/**
 * HighLevel's app webhooks INSTALL and UNINSTALL (the trigger catalog's AppInstall/AppUninstall), sent
 * to the app's webhook URL, keep agency connections' locations current without polling: INSTALL of a
 * location adds it (its name is read from /oauth/installedLocations), UNINSTALL drops it and its token,
 * an INSTALL for the whole company re-reads every location, an UNINSTALL of the company marks the
 * connection as needing a reconnect. Deliveries are verified with the stored HighLevel webhook keys
 * (`highlevel-webhook-key` credentials) over the raw body, stale ones refused, and an event older than
 * the last one applied to a location changes nothing (deliveries can arrive out of order or twice).
 */
export interface AppEventOutcome {
  status: number;
  body: Record<string, unknown>;
}

export interface AppEventDeps {
  store: CredentialStore;
  locationTokens?: LocationTokens;
  maxSkewMs: number;
  log?: (event: string, facts: Record<string, unknown>) => void;
  /** Work to finish after the answer (reading names); tests await it. */
  background?: (p: Promise<unknown>) => void;
}

const refuse = (status: number, code: string, message: string): AppEventOutcome => ({ status, body: { error: { code, message } } });

/** Every stored HighLevel webhook key: HighLevel signs every app's webhooks with its one platform key. */
async function highLevelKeys(store: CredentialStore): Promise<WebhookKey[]> {
  const keys: WebhookKey[] = [];
  for (const c of await store.list()) {
    if (c.kind !== 'highlevel-webhook-key') continue;
    for (const v of await store.readRecentVersions(c.name)) {
      if (v.secret.publicKey) keys.push({ kind: (v.info.meta.algorithm ?? 'ed25519') === 'rsa-sha256' ? 'rsa-sha256' : 'ed25519', publicKey: v.secret.publicKey });
    }
  }
  return keys;
}

export async function handleAppEvent(deps: AppEventDeps, raw: Buffer, headers: IncomingHttpHeaders): Promise<AppEventOutcome> {
  const { store } = deps;
  const keys = await highLevelKeys(store);
  if (keys.length === 0) {
    return refuse(
      503,
      'APP_EVENTS_NO_KEY',
      'No HighLevel webhook key is stored, so app events cannot be verified. Add it with `splice credentials add highlevel-webhook --kind highlevel-webhook-key --from-env GHL_WEBHOOK_KEY`.',
    );
  }
  const verified = verifySignature(raw, headers, keys);
  if (!verified.ok) return refuse(401, 'BAD_SIGNATURE', `Signature check failed: ${verified.reason}.`);
  let event: Record<string, unknown>;
  try {
    event = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    return refuse(400, 'INVALID_JSON', `The body is not valid JSON (${(err as Error).message}).`);
  }
  const str = (k: string) => (typeof event[k] === 'string' && event[k] !== '' ? (event[k] as string) : undefined);
  const at = str('timestamp');
  if (at !== undefined && !(Math.abs(Date.now() - Date.parse(at)) <= deps.maxSkewMs)) {
    return refuse(401, 'STALE_TIMESTAMP', `The event's timestamp is more than ${Math.round(deps.maxSkewMs / 1000)} s from the server's clock; it was refused.`);
  }
  const type = str('type');
  if (type !== 'INSTALL' && type !== 'UNINSTALL') return { status: 202, body: { ignored: true, reason: `event type ${type ?? '(none)'} is not an app install event` } };
  const companyId = str('companyId');
  const appId = str('appId');
  const locationId = str('locationId');
  const agencies = (await store.list()).filter(
    (c) => c.kind === 'highlevel-agency' && c.meta.companyId === companyId && (!appId || appIdOf(c.meta) === appIdOf({ clientId: appId })),
  );
  if (agencies.length === 0) return { status: 202, body: { ignored: true, reason: `no agency connection for company ${companyId ?? '(none)'} and app ${appId ?? '(none)'}` } };

  const applied: Array<{ credential: string; change: string; locationId?: string }> = [];
  for (const info of agencies) {
    if (type === 'INSTALL' && locationId && str('installType') !== 'Company') {
      if (await store.locations.upsertInstalled(info.id, { locationId, source: 'webhook', ...(at ? { eventAt: at } : {}) })) {
        applied.push({ credential: info.name, change: 'installed', locationId });
        deps.log?.('credential.location_installed', { credential: info.name, locationId });
        // The event carries no location name: read it (and anything else that changed) after answering.
        if (deps.locationTokens) deps.background?.(deps.locationTokens.sync(info).catch((err) => deps.log?.('credential.locations_sync_failed', { credential: info.name, code: (err as { code?: string }).code })));
      }
    } else if (type === 'INSTALL') {
      applied.push({ credential: info.name, change: 'resync' });
      if (deps.locationTokens) deps.background?.(deps.locationTokens.sync(info).catch(() => undefined));
    } else if (locationId) {
      if (await store.locations.markUninstalled(info.id, locationId, at ? { eventAt: at } : {})) {
        deps.locationTokens?.forget(info.id, locationId);
        applied.push({ credential: info.name, change: 'uninstalled', locationId });
        deps.log?.('credential.location_uninstalled', { credential: info.name, locationId });
      }
    } else {
      await store.markNeedsReconnect(info.name, 'HighLevel sent UNINSTALL for the whole agency');
      applied.push({ credential: info.name, change: 'needs_reconnect' });
    }
  }
  return { status: 200, body: { applied } };
}
