import { alnumId, hashBytes, mulberry32 } from '../core/prng';
import { buildDemoData, type HighLevelDemoData } from './demo-data';
import type { TokenStore } from './token-store';
import type { WebhookKeys } from './webhooks';

/** The HighLevel demo credentials: derived from the seed, so a restart with the same seed keeps them. */
export interface HighLevelCredentials {
  companyId: string;
  /** The first demo location; its PIT is `privateIntegrationToken`. */
  locationId: string;
  locations: Array<{ id: string; name: string; privateIntegrationToken: string }>;
  /** PIT of `locationId` with every Social Planner scope. */
  privateIntegrationToken: string;
  /** PIT of `locationId` with only `socialplanner/tag.readonly` (to see 403s). */
  limitedPrivateIntegrationToken: string;
  oauth: { clientId: string; clientSecret: string; scopes: string[] };
  webhookPublicKey: string;
  legacyWebhookPublicKey: string;
}

const uuidFrom = (b: Buffer) => {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

export function buildHighLevelCredentials(
  seed: number,
  data: HighLevelDemoData,
  allScopes: string[],
  keys: WebhookKeys,
): HighLevelCredentials {
  const rand = mulberry32(seed ^ 0x5eed);
  const locations = data.locations.map((l, i) => ({
    id: l.id,
    name: l.name,
    privateIntegrationToken: `pit-${uuidFrom(hashBytes(16, seed, 'pit', i))}`,
  }));
  return {
    companyId: data.companyId,
    locationId: locations[0]!.id,
    locations,
    privateIntegrationToken: locations[0]!.privateIntegrationToken,
    limitedPrivateIntegrationToken: `pit-${uuidFrom(hashBytes(16, seed, 'pit-limited'))}`,
    oauth: {
      clientId: `${hashBytes(12, seed, 'client').toString('hex')}-${alnumId(rand, 8).toLowerCase()}`,
      clientSecret: uuidFrom(hashBytes(16, seed, 'client-secret')),
      scopes: [...allScopes, 'oauth.readonly', 'oauth.write', 'locations.readonly'],
    },
    webhookPublicKey: keys.ed25519PublicPem,
    legacyWebhookPublicKey: keys.rsaPublicPem,
  };
}

/** Registers the demo OAuth client and the PITs (each PIT is its own app for rate limits). */
export function installCredentials(tokens: TokenStore, c: HighLevelCredentials, allScopes: string[], userId: string): void {
  tokens.addClient({ ...c.oauth });
  const pit = (token: string, appId: string, locationId: string, scopes: string[]) =>
    tokens.addPit({
      token,
      appId,
      userType: 'Location',
      locationId,
      companyId: c.companyId,
      approvedLocations: [locationId],
      scopes: new Set(scopes),
      userId,
    });
  c.locations.forEach((l, i) => pit(l.privateIntegrationToken, `pit:${i}`, l.id, allScopes));
  pit(c.limitedPrivateIntegrationToken, 'pit:limited', c.locationId, ['socialplanner/tag.readonly']);
}

/**
 * Demo data for another seed. Tags, accounts, posts and statistics follow the seed; the company, user and
 * location ids stay those of the start data, because the demo PITs are bound to them.
 */
export function reseededData(start: HighLevelDemoData, seed: number): HighLevelDemoData {
  const fresh = buildDemoData(seed);
  const remap = new Map(fresh.locations.map((l, i) => [l.id, start.locations[i]!.id]));
  const relocate = <T extends { locationId: string }>(m: Map<string, T[]>) =>
    new Map([...m].map(([k, xs]) => [remap.get(k)!, xs.map((x) => ({ ...x, locationId: remap.get(k)! }))]));
  return {
    ...fresh,
    companyId: start.companyId,
    userId: start.userId,
    locations: fresh.locations.map((l) => ({ ...l, id: remap.get(l.id)!, companyId: start.companyId })),
    tags: relocate(fresh.tags),
    accounts: relocate(fresh.accounts),
    posts: relocate(fresh.posts),
  };
}
