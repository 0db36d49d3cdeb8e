import { DEFAULT_RATE_LIMITS } from '@splice/runtime/ratelimit/rate-limiter';
import type { WebhookDeclaration } from './webhook-facts';

/**
 * Connector metadata: one declaration per connector. `splice catalog`, the editor's connector picker,
 * base-URL selection, the host allow-list and the rate limiter's defaults derive from it.
 */
export type AuthKind = 'oauth2' | 'private-integration-token' | 'basic';

export interface RateLimitWindow {
  /** At most `limit` calls per `windowMs`, per rate-limit key. */
  limit: number;
  windowMs: number;
}

export interface ConnectorInfo {
  id: string;
  /** Shown to users: both the product's name and the vendor's. */
  title: string;
  description: string;
  auth: AuthKind[];
  apiVersions: string[];
  /**
   * Base URLs per environment. The sandbox's port is chosen when it starts, so `sandbox` is the path
   * under the sandbox's root URL (`splice sandbox` prints the root): see baseUrlsFor().
   */
  baseUrls: { production: string; sandbox: string };
  /** Hosts calls may go to (loopback is allowed too, for the sandbox and tests). */
  allowedHosts: string[];
  /** Pacing per key `<id>:<resource>` (HighLevel: per location). Empty: not documented, adapt to headers only. */
  rateLimits: RateLimitWindow[];
  /** Which parameter names the resource that limits are counted against. */
  rateLimitResource?: string;
  /** How its webhook deliveries are signed, and where they name their event type, delivery id and time. */
  webhooks?: WebhookDeclaration;
}

export const connectors: ConnectorInfo[] = [
  {
    id: 'highlevel',
    title: 'Users API (HighLevel Social Planner)',
    description: "HighLevel's Social Planner API (/social-media-posting), known to our users as the Users API.",
    auth: ['oauth2', 'private-integration-token'],
    apiVersions: ['v2', 'v3'],
    baseUrls: { production: 'https://services.leadconnectorhq.com', sandbox: '/highlevel' },
    allowedHosts: ['services.leadconnectorhq.com'],
    // specs/README.md: burst 100 requests per 10 s and 200,000 a day, per app per location (declared once, in the limiter).
    rateLimits: (DEFAULT_RATE_LIMITS['highlevel:'] ?? []).map((w) => ({ ...w })),
    rateLimitResource: 'locationId',
    // specs/README.md: signed over the raw body; the payload carries `type`, `timestamp` and `webhookId`.
    webhooks: {
      signatures: [
        { scheme: 'ed25519', header: 'x-ghl-signature', encoding: 'base64' },
        { scheme: 'rsa-sha256', header: 'x-wh-signature', encoding: 'base64', retired: '2026-07-01' },
      ],
      eventType: { body: ['type'] },
      deliveryId: { body: ['webhookId'] },
      timestamp: { body: ['timestamp'] },
    },
  },
  {
    id: 'payaca',
    title: 'Payaca',
    description: 'Payaca job management for UK trades (customers, projects, custom fields). Modelled from public facts.',
    auth: ['basic'],
    apiVersions: ['v1'],
    baseUrls: { production: 'https://api.payaca.com/v1', sandbox: '/payaca/v1' },
    allowedHosts: ['api.payaca.com'],
    rateLimits: [],
    // specs/payaca/FACTS.md: hex HMAC-SHA256 of the raw body; `x-payaca-event` names the event. The body is
    // our model `{ id, event, occurredAt, data }`: where it names the event, the signed body wins.
    webhooks: {
      signatures: [{ scheme: 'hmac-sha256', header: 'x-payaca-signature', encoding: 'hex' }],
      eventType: {
        body: ['event'],
        headers: ['x-payaca-event'],
        headerRisk:
          'x-payaca-event is not signed: a delivery whose body names no `event` can be replayed under another event name (the replay is still deduplicated by its envelope id); give such flows a trigger.idempotencyKey.',
      },
      deliveryId: { body: ['id'], onlyWithBodyField: 'data' },
      // Not `occurredAt`: Payaca redelivers the same envelope with backoff, long after it occurred.
      timestamp: { body: ['timestamp'] },
    },
  },
];

export function findConnector(id: string): ConnectorInfo | undefined {
  return connectors.find((c) => c.id === id);
}

/** Rate-limit windows per key prefix (`highlevel:`), for createRateLimiter({ limits }). */
export function connectorRateLimits(): Record<string, RateLimitWindow[]> {
  const out: Record<string, RateLimitWindow[]> = {};
  for (const c of connectors) if (c.rateLimits.length) out[`${c.id}:`] = c.rateLimits;
  return out;
}

/** Production base URLs of every connector (what ActionContext.baseUrls holds in production). */
export function productionBaseUrls(): Record<string, string> {
  return baseUrlsFor('production');
}

/** ActionContext.baseUrls for an environment: production, or a sandbox given by its root URL. */
export function baseUrlsFor(env: 'production' | { sandboxUrl: string }): Record<string, string> {
  return Object.fromEntries(
    connectors.map((c) => [c.id, env === 'production' ? c.baseUrls.production : `${env.sandboxUrl.replace(/\/+$/, '')}${c.baseUrls.sandbox}`]),
  );
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function isHostAllowed(connector: ConnectorInfo, url: URL): boolean {
  return LOOPBACK.has(url.hostname) || connector.allowedHosts.includes(url.hostname);
}
