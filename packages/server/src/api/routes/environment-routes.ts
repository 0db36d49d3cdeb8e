import { Router } from 'express';
import { connectors, findConnector, isHostAllowed } from '@splice/connectors';
import type { EnvironmentInfo, ListEnvironmentsResponse, UpdateEnvironmentRequest } from '../contract';
import type { EnvironmentSettings } from '../../environments/environment-store';
import type { ApiServices } from '../api-services';
import { badRequest, onlyKeys } from '../http-errors';
import { body, param } from './flow-routes';

/** Environments: base URLs, credential bindings, $env values, and what is deployed where. */
export function environmentRoutes(api: ApiServices): Router {
  const r = Router();
  const info = async (e: EnvironmentSettings): Promise<EnvironmentInfo> => {
    const deployments: Record<string, number> = {};
    for (const d of await api.environments.deployments({ environment: e.name })) deployments[d.flowId] = d.revision;
    return { ...e, deployments };
  };

  r.get('/environments', async (_req, res) => {
    const out: ListEnvironmentsResponse = { environments: await Promise.all((await api.environments.list()).map(info)) };
    res.json(out);
  });

  r.get('/environments/:name', async (req, res) => {
    res.json(await info(await api.environments.get(param(req, 'name'))));
  });

  r.patch('/environments/:name', async (req, res) => {
    const b = body<UpdateEnvironmentRequest>(req);
    onlyKeys(b, ['baseUrls', 'bindings', 'values']);
    checkBaseUrls(b.baseUrls);
    const updated = await api.environments.update(param(req, 'name'), b);
    await api.scheduler.reconcile();
    res.json(await info(updated));
  });

  return r;
}

/**
 * A base URL is where a connector's calls go, and its host is then allowed for outbound calls: so only
 * known connectors, and only their own hosts (or loopback, e.g. the sandbox) are accepted.
 */
function checkBaseUrls(baseUrls: unknown): void {
  if (!baseUrls || typeof baseUrls !== 'object' || Array.isArray(baseUrls)) return; // the store names the shape problem
  for (const [id, value] of Object.entries(baseUrls)) {
    const path = `body.baseUrls.${id}`;
    const connector = findConnector(id);
    if (!connector) throw badRequest(path, `${path}: there is no connector "${id}"; base URLs are for ${connectors.map((c) => c.id).join(', ')}.`);
    let url: URL;
    try {
      url = new URL(String(value));
    } catch {
      throw badRequest(path, `${path} must be an http(s) URL.`);
    }
    if (!/^https?:$/.test(url.protocol)) throw badRequest(path, `${path} must be an http(s) URL.`);
    if (!isHostAllowed(connector, url)) {
      throw badRequest(path, `${path}: ${url.hostname} is not a host of ${connector.title} (allowed: ${connector.allowedHosts.join(', ')} and loopback, e.g. the sandbox).`);
    }
  }
}
