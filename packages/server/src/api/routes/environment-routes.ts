import { Router } from 'express';
import type { EnvironmentInfo, ListEnvironmentsResponse, UpdateEnvironmentRequest } from '../contract';
import type { EnvironmentSettings } from '../../environments/environment-store';
import type { ApiServices } from '../api-services';
import { onlyKeys } from '../http-errors';
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
    const updated = await api.environments.update(param(req, 'name'), b);
    await api.scheduler.reconcile();
    res.json(await info(updated));
  });

  return r;
}
