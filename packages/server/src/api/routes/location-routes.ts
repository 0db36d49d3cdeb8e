import { Router } from 'express';
import type {
  CredentialLocation,
  ListCredentialLocationsResponse,
  ListLocationsResponse,
  PutCredentialLocationRequest,
  SyncCredentialLocationsResponse,
} from '../contract';
import type { ServerContext } from '../../context';
import type { CredentialInfo } from '../../credentials/credential-info';
import type { LocationInfo } from '../../credentials/credential-locations';
import { getKind, splitFields } from '../../credentials/kinds/index';
import type { LocationTokens } from '../../credentials/location-tokens';
import { ServerError } from '../../errors';
import type { ApiServices } from '../api-services';
import { badRequest, onlyKeys } from '../http-errors';
import { body, optString, param } from './flow-routes';

/**
 * The locations of multi-location credentials: an agency connection's installed locations (by name,
 * with each one's token state; `sync` re-reads them from HighLevel) and a group's private integration
 * tokens (added per location, write-only). `/locations` is the directory of every location by name,
 * for filters in run history and dashboards. Tokens are never answered.
 */
export function locationRoutes(ctx: ServerContext, api: ApiServices): Router {
  const r = Router();
  const store = () => {
    const s = api.credentials();
    if (!s) throw new ServerError('UNAVAILABLE', 'Credentials are not available: the server has no master key.', 503);
    return s;
  };
  const tokens = (): LocationTokens => {
    const t = ctx.stores.locationTokens as LocationTokens | undefined;
    if (!t) throw new ServerError('UNAVAILABLE', 'Location tokens are not available: the server has no master key.', 503);
    return t;
  };
  const multi = async (name: string): Promise<CredentialInfo> => {
    const info = await store().get(name);
    if (!getKind(info.kind).locations) {
      throw new ServerError(
        'CREDENTIAL_NOT_MULTI_LOCATION',
        `credential ${name} (${info.kind}) serves one location; locations belong to agency connections (highlevel-agency) and grouped tokens (highlevel-pit-locations).`,
        422,
      );
    }
    return info;
  };
  const listOf = async (info: CredentialInfo): Promise<ListCredentialLocationsResponse> => ({
    credential: info.name,
    kind: info.kind,
    locations: (await store().locations.list(info.id)).map((l) => toWire(l, info.kind)),
  });

  r.get('/locations', async (_req, res) => {
    const s = store();
    const names = new Map((await s.list()).map((c) => [c.id, c.name]));
    const byId = new Map<string, ListLocationsResponse['locations'][number]>();
    for (const l of await s.locations.all()) {
      const e = byId.get(l.locationId) ?? { id: l.locationId, credentials: [], installed: false };
      if (l.name && !e.name) e.name = l.name;
      e.credentials.push(names.get(l.credentialId) ?? l.credentialId);
      e.installed ||= l.status === 'installed';
      byId.set(l.locationId, e);
    }
    const out: ListLocationsResponse = { locations: [...byId.values()].sort((a, b) => (a.name ?? a.id).localeCompare(b.name ?? b.id)) };
    res.json(out);
  });

  r.get('/credentials/:name/locations', async (req, res) => {
    res.json(await listOf(await multi(param(req, 'name'))));
  });

  r.post('/credentials/:name/locations/sync', async (req, res) => {
    const info = await multi(param(req, 'name'));
    if (getKind(info.kind).locations !== 'agency') throw badRequest('name', `credential ${info.name} holds its own tokens; there is nothing to read from HighLevel.`);
    const result = await tokens().sync(info);
    const out: SyncCredentialLocationsResponse = { ...(await listOf(info)), added: result.added, removed: result.removed };
    res.json(out);
  });

  r.put('/credentials/:name/locations/:locationId', async (req, res) => {
    const info = await multi(param(req, 'name'));
    const locationId = param(req, 'locationId');
    if (getKind(info.kind).locations !== 'grouped') {
      throw new ServerError(
        'CREDENTIAL_LOCATION_FROM_HIGHLEVEL',
        `an agency connection's locations come from HighLevel: install the app on location ${locationId} there (or POST /api/credentials/${info.name}/locations/sync).`,
        422,
      );
    }
    const b = body<PutCredentialLocationRequest>(req);
    onlyKeys(b, ['token', 'name', 'scopes']);
    const token = optString(b.token, 'body.token');
    if (!token) throw badRequest('body.token', "body.token is required: the location's private integration token.");
    // The same checks a PIT gets when added on its own (no line breaks or control characters).
    splitFields(getKind('highlevel-pit'), { token, locationId });
    if (b.scopes !== undefined && (!Array.isArray(b.scopes) || b.scopes.some((s) => typeof s !== 'string'))) throw badRequest('body.scopes', 'body.scopes must be an array of scope strings.');
    const s = store();
    await s.transaction(async (tx) => {
      await s.locations.upsertInstalled(info.id, { locationId, ...(b.name ? { name: String(b.name) } : {}), source: 'added', ...(b.scopes ? { scopes: b.scopes } : {}) }, tx);
      await s.locations.writeToken(info.id, locationId, { token }, tx);
    });
    ctx.logger.info({ credential: info.name, locationId }, 'location token stored');
    tokens().forget(info.id, locationId);
    res.json(await listOf(info));
  });

  /** Grouped: remove the location. Agency: revoke Splice's copy of its token (the next call obtains a new one). */
  r.delete('/credentials/:name/locations/:locationId', async (req, res) => {
    const info = await multi(param(req, 'name'));
    const locationId = param(req, 'locationId');
    const s = store();
    if (getKind(info.kind).locations === 'grouped') await s.locations.remove(info.id, locationId);
    else await s.locations.dropToken(info.id, locationId);
    tokens().forget(info.id, locationId);
    res.status(204).end();
  });

  return r;
}

function toWire(l: LocationInfo, kind: string): CredentialLocation {
  const token: CredentialLocation['token'] = !l.hasToken
    ? 'none'
    : getKind(kind).locations === 'grouped'
      ? 'stored'
      : l.expiresAt && Date.parse(l.expiresAt) <= Date.now()
        ? 'expired'
        : 'valid';
  return {
    id: l.locationId,
    ...(l.name ? { name: l.name } : {}),
    ...(l.address ? { address: l.address } : {}),
    status: l.status,
    token,
    ...(l.expiresAt && l.hasToken ? { tokenExpiresAt: l.expiresAt } : {}),
    ...(l.tokenAt && l.hasToken ? { tokenObtainedAt: l.tokenAt } : {}),
    ...(l.scopes ? { scopes: l.scopes } : {}),
    ...(l.installedAt ? { installedAt: l.installedAt } : {}),
    ...(l.lastError ? { lastError: l.lastError } : {}),
    source: l.source,
  };
}
