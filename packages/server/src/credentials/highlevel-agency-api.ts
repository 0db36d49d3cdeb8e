import { CredentialCode, credentialError } from './credential-codes';
import { HIGHLEVEL_API_VERSION } from './kinds/highlevel';

/**
 * HighLevel's two agency routes (apps/oauth.json, security Agency-Access-Only), as plain HTTP:
 * `POST /oauth/locationToken` (company token → a location's token) and `GET /oauth/installedLocations`.
 * Both carry `Version: 2021-07-28`. Errors say what HighLevel answered; callers decide what it means.
 */
export interface AgencyRequest {
  /** API base, e.g. https://services.leadconnectorhq.com or the sandbox's. */
  base: string;
  companyToken: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** HighLevel answered with an error status (the message is HighLevel's, never a token). */
export class AgencyApiError extends Error {
  constructor(
    readonly status: number,
    readonly apiMessage: string,
  ) {
    super(`HighLevel answered ${status}${apiMessage ? `: ${apiMessage}` : ''}`);
  }
}

export interface LocationTokenAnswer {
  accessToken: string;
  expiresAt?: string;
  scopes?: string[];
}

export interface InstalledLocation {
  id: string;
  name: string;
  address?: string;
  installedAt?: string;
}

async function send(req: AgencyRequest, url: string, init: RequestInit): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await (req.fetch ?? fetch)(url, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), Authorization: `Bearer ${req.companyToken}`, Version: HIGHLEVEL_API_VERSION, Accept: 'application/json' },
      signal: AbortSignal.timeout(req.timeoutMs ?? 10_000),
    });
  } catch (err) {
    throw credentialError(
      CredentialCode.REFRESH_FAILED,
      `could not reach HighLevel at ${new URL(url).origin}: ${(err as Error).message}. Check the network / base URL.`,
      { retryable: true, cause: err },
    );
  }
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* an error page */
  }
  if (!res.ok) {
    const m = body.message;
    throw new AgencyApiError(res.status, Array.isArray(m) ? m.join('; ') : typeof m === 'string' ? m : '');
  }
  return body;
}

export async function requestLocationToken(req: AgencyRequest & { companyId: string; locationId: string }): Promise<LocationTokenAnswer> {
  const body = await send(req, `${req.base}/oauth/locationToken`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ companyId: req.companyId, locationId: req.locationId }).toString(),
  });
  if (typeof body.access_token !== 'string' || !body.access_token) {
    throw credentialError(CredentialCode.REFRESH_FAILED, `HighLevel's locationToken answer for ${req.locationId} carries no access_token.`, { retryable: true });
  }
  const expiresIn = Number(body.expires_in);
  const scope = typeof body.scope === 'string' ? body.scope.split(/[\s,]+/).filter(Boolean) : undefined;
  return {
    accessToken: body.access_token,
    ...(Number.isFinite(expiresIn) && expiresIn > 0 ? { expiresAt: new Date(Date.now() + expiresIn * 1000).toISOString() } : {}),
    ...(scope?.length ? { scopes: scope } : {}),
  };
}

/** Every location the app is installed on (all pages of 100). */
export async function listInstalledLocations(req: AgencyRequest & { companyId: string; appId: string }): Promise<InstalledLocation[]> {
  const out: InstalledLocation[] = [];
  for (let skip = 0; skip < 100_000; ) {
    const url = new URL(`${req.base}/oauth/installedLocations`);
    url.search = new URLSearchParams({ companyId: req.companyId, appId: req.appId, isInstalled: 'true', skip: String(skip), limit: '100' }).toString();
    const body = await send(req, url.toString(), { method: 'GET' });
    const page = Array.isArray(body.locations) ? (body.locations as Array<Record<string, unknown>>) : [];
    for (const l of page) {
      if (typeof l._id !== 'string' || l.isInstalled === false) continue;
      out.push({
        id: l._id,
        name: typeof l.name === 'string' ? l.name : l._id,
        ...(typeof l.address === 'string' && l.address ? { address: l.address } : {}),
        ...(typeof l.installedAt === 'string' ? { installedAt: l.installedAt } : {}),
      });
    }
    skip += page.length;
    // `count` is the company's location count (not the filtered one): a short page is the last.
    if (page.length < 100) break;
  }
  return out;
}
