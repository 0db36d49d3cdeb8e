import type { Sandbox } from '../../packages/sandbox/src/sandbox';
import {
  completeOAuthCallback,
  LocationTokens,
  OAuthLoginRegistry,
  TokenRefresher,
  type CredentialInfo,
  type CredentialStore,
} from '../../packages/server/src/credentials/index';

export const AGENCY_SCOPES = ['socialplanner/tag.readonly', 'socialplanner/account.readonly', 'socialplanner/statistics.readonly', 'oauth.readonly', 'oauth.write'];

/** A refresher and the location tokens over a store, as the server wires them. */
export function agencyParts(store: CredentialStore) {
  const refresher = new TokenRefresher({ store });
  const locationTokens = new LocationTokens({ store, refresher });
  return { refresher, locationTokens };
}

/**
 * Connect the sandbox's app at agency level, as the Credentials page does: start the install with
 * user_type Company, approve "for the agency" on the consent page, and complete the callback, which
 * stores a `highlevel-agency` credential and reads its installed locations.
 */
export async function connectAgency(store: CredentialStore, sandbox: Sandbox, name: string, locationTokens: LocationTokens, scopes = AGENCY_SCOPES): Promise<CredentialInfo> {
  const registry = new OAuthLoginRegistry();
  const { oauth } = sandbox.credentials.highlevel;
  const redirectUri = 'http://127.0.0.1:9/oauth/callback';
  const started = registry.start({
    name,
    clientId: oauth.clientId,
    clientSecret: oauth.clientSecret,
    scopes,
    redirectUri,
    tokenUrl: `${sandbox.highlevel.url}/oauth/token`,
    installUrl: `${sandbox.highlevel.url}/oauth/chooselocation`,
    userType: 'Company',
  });
  const consent = new URL(started.installUrl);
  consent.searchParams.set('approve_agency', '1');
  const approved = await fetch(consent, { redirect: 'manual' });
  const callback = new URL(approved.headers.get('location') ?? '');
  const outcome = await completeOAuthCallback({
    store,
    registry,
    query: callback.searchParams,
    afterSave: async (c) => void (await locationTokens.sync(c)),
  });
  if (!outcome.credential) throw new Error(`agency connect failed: ${outcome.message}`);
  return outcome.credential;
}
