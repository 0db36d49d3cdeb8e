import { CredentialCode, credentialError } from './credential-codes';
import type { CredentialStore } from './credential-store';
import { HIGHLEVEL_API_VERSION } from './kinds/highlevel';
import { getKind, type KindTest } from './kinds/index';
import type { LocationTokens } from './location-tokens';
import type { TokenRefresher } from './token-refresher';

export interface CredentialTestResult {
  ok: boolean;
  /** What was tried, e.g. `GET http://127.0.0.1:4010/social-media-posting/loc_1/tags`, or `local check`. */
  target: string;
  status?: number;
  message: string;
}

/**
 * `splice credentials test`: one harmless call with the credential (refreshing OAuth tokens first), or a
 * local check for kinds that are never sent (webhook secrets and keys). Never returns the secret.
 */
export async function testCredential(opts: {
  store: CredentialStore;
  refresher: TokenRefresher;
  /** Multi-location credentials: tests `locationId` with that location's token. */
  locationTokens?: LocationTokens;
  locationId?: string;
  name: string;
  baseUrl?: string;
  fetch?: typeof fetch;
}): Promise<CredentialTestResult> {
  const cur = await opts.refresher.ensureFresh(opts.name);
  const kind = getKind(cur.info.kind);
  const base = opts.baseUrl ?? kind.defaultBaseUrl ?? cur.info.meta.testUrl;
  let plan: KindTest;
  if (kind.locations && opts.locationId) {
    if (!opts.locationTokens) throw credentialError(CredentialCode.TEST_FAILED, 'testing a location needs the location tokens; run it through `splice credentials test` or the API.');
    // The location's own token on the location's tags: what a flow's call does.
    const t = await opts.locationTokens.tokenFor(cur.info, opts.locationId);
    plan = {
      type: 'http',
      method: 'GET',
      url: `${(base ?? '').replace(/\/$/, '')}/social-media-posting/${encodeURIComponent(opts.locationId)}/tags`,
      headers: { Authorization: `Bearer ${t.token}`, Version: HIGHLEVEL_API_VERSION, Accept: 'application/json' },
    };
  } else if (kind.locations === 'grouped') {
    throw credentialError(CredentialCode.TEST_FAILED, `${cur.info.name} holds a token per location: say which to test with --location <id> (see \`splice credentials locations list ${cur.info.name}\`).`);
  } else {
    plan = kind.test({ secret: cur.secret, meta: cur.info.meta, scopes: cur.info.scopes }, base ?? '');
  }
  if (plan.type === 'local') {
    plan.check();
    return {
      ok: true,
      target: 'local check',
      message: `${cur.info.name} (${kind.title}) decrypts and is well-formed; it is only used to verify incoming webhooks, so nothing was sent.`,
    };
  }
  if (!plan.url) {
    throw credentialError(
      CredentialCode.TEST_FAILED,
      `there is nothing to call for ${cur.info.name}: pass --base-url <url> (or set testUrl when adding it).`,
    );
  }
  const target = `${plan.method} ${plan.url}`;
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(plan.url, { method: plan.method, headers: plan.headers, signal: AbortSignal.timeout(15_000) });
  } catch (err) {
    return { ok: false, target, message: `could not reach ${new URL(plan.url).origin}: ${(err as Error).message}` };
  }
  await res.arrayBuffer().catch(() => undefined);
  if (res.ok) return { ok: true, target, status: res.status, message: `${cur.info.name} works (${res.status}, version ${cur.version}).` };
  const why =
    res.status === 401
      ? 'the API rejected the credential (401): it is wrong, revoked or expired. Give it a new secret with `splice credentials rotate`.'
      : res.status === 403
        ? 'the credential is valid but not allowed here (403): check its scopes and location.'
        : `the API answered ${res.status}.`;
  return { ok: false, target, status: res.status, message: why };
}
