import type { CredentialResolver, ResolvedCredential } from '@splice/runtime';
import { CredentialCode, credentialError, scopeError } from './credential-codes';
import type { LocationToken } from './credential-locations';
import type { CredentialStore, UnsealedCredential } from './credential-store';
import { getKind } from './kinds/index';
import { locationRequired } from './location-errors';
import type { LocationTokens } from './location-tokens';
import { isExpiring, needsReconnect, type TokenRefresher } from './token-refresher';

/** What a call needs of its credential; passed as resolve() options by the engine (all optional). */
export interface ResolveNeeds {
  connector?: string;
  /** OAuth scope the operation needs (ActionDefinition.scope). */
  scope?: string;
  /** For messages: the step id and the action id. */
  stepId?: string;
  uses?: string;
  /** Run id: a shared resolver keeps one version per run with it. */
  runId?: string;
  /** The location the call is for (its `locationId`): a multi-location credential answers with that location's token. */
  resource?: string;
}

export interface StoreCredentialResolverOptions {
  store: CredentialStore;
  /** Flow credential name → stored credential name (the environment's bindings). Unbound names resolve to themselves. */
  bindings?: Record<string, string>;
  refresher: TokenRefresher;
  /** Tokens of multi-location credentials (agency installs, grouped PITs); without it they cannot be used. */
  locationTokens?: LocationTokens;
  /**
   * false (default): one resolver per run, and it keeps the version it first resolved for its whole life.
   * true: one resolver for many runs: keeps a version per `runId` when resolve() is given one, and
   * otherwise reads the active version on every resolve.
   */
  shared?: boolean;
}

/** Per-run pins of a shared resolver are dropped after this long (a run that old is finished or dead). */
const RUN_PIN_TTL_MS = 60 * 60_000;

export function toResolved(c: UnsealedCredential): ResolvedCredential {
  const kind = getKind(c.info.kind);
  return {
    name: c.info.name,
    connector: c.info.connector,
    version: c.version,
    auth: kind.toAuth({ secret: c.secret, meta: c.info.meta, scopes: c.info.scopes }, c.info.name),
    ...(c.info.scopes ? { scopes: c.info.scopes } : {}),
    meta: { ...c.info.meta },
  };
}

/** A multi-location credential as one location's auth: that location's token and scopes. */
export function toLocationResolved(c: UnsealedCredential, t: LocationToken): ResolvedCredential {
  return {
    name: c.info.name,
    connector: c.info.connector,
    version: t.version,
    resource: t.locationId,
    auth: { kind: 'bearer', token: t.token },
    ...((t.scopes ?? c.info.scopes) ? { scopes: t.scopes ?? c.info.scopes } : {}),
    meta: { ...c.info.meta, locationId: t.locationId, ...(t.name ? { locationName: t.name } : {}) },
  };
}

/** Throw ScopeError (CREDENTIAL_SCOPE_MISSING) when a scoped credential lacks the scope a call needs; no request is sent. */
export function assertCredentialScope(cred: ResolvedCredential, needs: ResolveNeeds): void {
  if (!needs.scope || !cred.scopes) return;
  if (cred.scopes.includes(needs.scope)) return;
  const step = needs.stepId
    ? `step ${needs.stepId}${needs.uses ? ` (${needs.uses})` : ''}`
    : needs.uses
      ? `action ${needs.uses}`
      : 'this call';
  // A location's token can grant less than the connection (an older install of the app there): say which.
  const whose = cred.resource ? `credential ${cred.name} for location ${cred.meta?.locationName ?? cred.resource}` : `credential ${cred.name}`;
  throw scopeError(
    `${step} needs ${needs.scope}; ${whose} grants ${cred.scopes.join(', ') || 'no scopes'}. ` +
      `Reconnect it with the scope added (\`splice auth login highlevel --name ${cred.name} --scopes "...${needs.scope}"\`) or bind a credential that has it.`,
    { details: { credential: cred.name, needed: needs.scope, granted: cred.scopes, step: needs.stepId, ...(cred.resource ? { locationId: cred.resource } : {}) } },
  );
}

/**
 * A CredentialResolver over the store, meant to be created per run: the first resolve of a name caches
 * that version for the rest of the run (so a rotation mid-run does not switch secrets under it), except
 * that an OAuth token close to expiry is refreshed (single-flight) and a 401 triggers one refresh.
 */
export function createStoreCredentialResolver(opts: StoreCredentialResolverOptions): CredentialResolver & {
  resolve(name: string, needs?: ResolveNeeds): Promise<ResolvedCredential>;
  /** Versions this run used, by stored name. */
  versionsInUse(): Record<string, number>;
} {
  const cache = new Map<string, UnsealedCredential>();
  const runPins = new Map<string, { at: number; creds: Map<string, UnsealedCredential> }>();
  const storedName = (name: string) => opts.bindings?.[name] ?? name;

  /** The cache this resolve reads and fills: the resolver's own, a run's, or none. */
  function cacheFor(runId: string | undefined): Map<string, UnsealedCredential> | undefined {
    if (!opts.shared) return cache;
    if (!runId) return undefined;
    const now = Date.now();
    if (runPins.size > 1000) for (const [k, v] of runPins) if (now - v.at > RUN_PIN_TTL_MS) runPins.delete(k);
    let pin = runPins.get(runId);
    if (!pin) runPins.set(runId, (pin = { at: now, creds: new Map() }));
    return pin.creds;
  }

  async function load(stored: string, flowName: string, cache: Map<string, UnsealedCredential> | undefined): Promise<UnsealedCredential> {
    const cached = cache?.get(stored);
    if (cached && !(getKind(cached.info.kind).refreshable && isExpiring(cached))) return cached;
    let cur: UnsealedCredential;
    try {
      cur = await opts.refresher.ensureFresh(stored);
    } catch (err) {
      const e = err as { code?: string };
      if (e.code === CredentialCode.NOT_FOUND && stored === flowName && !opts.bindings?.[flowName]) {
        throw credentialError(
          CredentialCode.UNBOUND,
          `flow credential ${flowName} is not bound to a stored credential and none is named ${flowName}. Bind it in the environment, or add it with \`splice credentials add ${flowName} --kind <kind>\`.`,
          { cause: err },
        );
      }
      throw err;
    }
    cache?.set(stored, cur);
    return cur;
  }

  function locationTokens(): LocationTokens {
    if (!opts.locationTokens) {
      throw credentialError(CredentialCode.UNBOUND, 'this resolver has no location tokens, so a multi-location credential cannot be used here; run the flow through `splice serve` or `splice run`.');
    }
    return opts.locationTokens;
  }

  /** One location's auth from a credential that serves several (the call's `resource`). */
  async function forLocation(cur: UnsealedCredential, needs: ResolveNeeds): Promise<ResolvedCredential> {
    if (!needs.resource) throw locationRequired(cur.info.name, needs);
    return toLocationResolved(cur, await locationTokens().tokenFor(cur.info, needs.resource));
  }

  return {
    async resolve(name, needs: ResolveNeeds = {}) {
      const stored = storedName(name);
      const cur = await load(stored, name, cacheFor(needs.runId));
      if (cur.info.status === 'needs_reconnect')
        throw needsReconnect(stored, cur.info.kind, cur.info.statusReason ?? 'disconnected', cur.info.statusAt);
      if (needs.connector && cur.info.connector !== needs.connector && cur.info.connector !== 'http') {
        throw credentialError(
          CredentialCode.WRONG_CONNECTOR,
          `credential ${stored} is for ${cur.info.connector}, but ${needs.stepId ? `step ${needs.stepId}` : 'the flow'} needs a ${needs.connector} credential. Bind a ${needs.connector} credential to ${name}.`,
        );
      }
      const resolved = getKind(cur.info.kind).locations ? await forLocation(cur, needs) : toResolved(cur);
      assertCredentialScope(resolved, needs);
      return resolved;
    },
    async onUnauthorized(cred) {
      const info = await opts.store.get(cred.name);
      if (getKind(info.kind).locations && cred.resource !== undefined) {
        const cur = await opts.store.readActive(cred.name);
        return toLocationResolved(cur, await locationTokens().tokenFor(info, cred.resource, { staleVersion: cred.version }));
      }
      if (!getKind(info.kind).refreshable) {
        throw credentialError(
          CredentialCode.NOT_REFRESHABLE,
          `the API rejected credential ${cred.name} (401). Check it with \`splice credentials test ${cred.name}\` and give it a new secret with \`splice credentials rotate ${cred.name}\`.`,
        );
      }
      const fresh = await opts.refresher.refresh(cred.name, cred.version, 'unauthorized');
      if (!opts.shared) cache.set(cred.name, fresh);
      for (const pin of runPins.values()) if (pin.creds.get(cred.name)?.version === cred.version) pin.creds.set(cred.name, fresh);
      return toResolved(fresh);
    },
    versionsInUse() {
      return Object.fromEntries([...cache].map(([k, v]) => [k, v.version]));
    },
  };
}
