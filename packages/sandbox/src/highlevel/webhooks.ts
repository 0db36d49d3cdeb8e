import { type KeyObject, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { assertLoopbackSubscriptionUrl, isLoopbackUrl } from '../core/admin-guard';
import { hashBytes } from '../core/prng';
import { SandboxConfigError } from '../errors';

/**
 * HighLevel webhooks: the body is signed with Ed25519 (`x-ghl-signature`, base64 over the raw body); the
 * retired RSA-SHA256 `x-wh-signature` can be added for clients that still meet it. The Ed25519 key derives
 * from the sandbox seed, so a verifier configured once keeps working across restarts with the same seed.
 */

// PKCS#8 DER header of an Ed25519 private key; the 32-byte seed follows.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface WebhookKeys {
  ed25519Private: KeyObject;
  ed25519PublicPem: string;
  rsaPrivate: KeyObject;
  rsaPublicPem: string;
}

export function createWebhookKeys(seed: number): WebhookKeys {
  const ed25519Private = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, hashBytes(32, seed, 'highlevel-webhook-ed25519')]),
    format: 'der',
    type: 'pkcs8',
  });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    ed25519Private,
    ed25519PublicPem: createPublicKey(ed25519Private).export({ type: 'spki', format: 'pem' }).toString(),
    rsaPrivate: rsa.privateKey,
    rsaPublicPem: rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export interface HighLevelWebhookRequest {
  /** Where to deliver (loopback only). */
  url: string;
  /** Event type, e.g. `SocialPlannerPostPublished`. */
  type: string;
  payload?: Record<string, unknown>;
  locationId?: string;
  /** Which signatures to send: Ed25519 only (default), also the legacy RSA one, only the legacy one, or none. */
  signatures?: 'ed25519' | 'both' | 'legacy' | 'none';
  /** Override for tests of stale-event and duplicate handling. */
  timestamp?: string;
  webhookId?: string;
}

export interface WebhookDelivery {
  status: number;
  ok: boolean;
  webhookId: string;
  body: string;
  headers: Record<string, string>;
  responseBody: string;
  error?: string;
}

export async function sendHighLevelWebhook(keys: WebhookKeys, req: HighLevelWebhookRequest): Promise<WebhookDelivery> {
  if (!req.url || !isLoopbackUrl(req.url)) {
    throw new SandboxConfigError(
      'SANDBOX_WEBHOOK_URL',
      `webhook url must be an http(s) URL on 127.0.0.1 or localhost (got ${JSON.stringify(req.url)}): the sandbox sends nothing off this machine`,
    );
  }
  if (!req.type) throw new SandboxConfigError('SANDBOX_WEBHOOK_TYPE', 'webhook `type` is required, e.g. "SocialPlannerPostPublished"');
  const webhookId = req.webhookId ?? randomUUID();
  const body = JSON.stringify({
    type: req.type,
    ...(req.locationId ? { locationId: req.locationId } : {}),
    ...req.payload,
    timestamp: req.timestamp ?? new Date().toISOString(),
    webhookId,
  });
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const which = req.signatures ?? 'ed25519';
  if (which === 'ed25519' || which === 'both')
    headers['x-ghl-signature'] = sign(null, Buffer.from(body), keys.ed25519Private).toString('base64');
  if (which === 'legacy' || which === 'both')
    headers['x-wh-signature'] = sign('sha256', Buffer.from(body), keys.rsaPrivate).toString('base64');
  return deliver(req.url, body, headers, webhookId);
}

/** POSTs a signed body and reports what the receiver answered (never throws for HTTP failures). */
export async function deliver(url: string, body: string, headers: Record<string, string>, webhookId: string): Promise<WebhookDelivery> {
  try {
    const res = await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(30_000) });
    const responseBody = await res.text();
    return { status: res.status, ok: res.ok, webhookId, body, headers, responseBody };
  } catch (err) {
    return { status: 0, ok: false, webhookId, body, headers, responseBody: '', error: (err as Error).message };
  }
}

export interface HighLevelSubscription {
  url: string;
  /** Event types to deliver; all when absent. */
  types?: string[];
  signatures?: HighLevelWebhookRequest['signatures'];
}

/**
 * The app's webhook settings: where the sandbox delivers the events it raises itself (a post published,
 * Social Planner tags changed). One attempt per event; what happened is in `deliveries`.
 */
export class HighLevelSubscriptions {
  subscriptions: HighLevelSubscription[] = [];
  deliveries: Array<{ type: string; url: string; webhookId: string; status: number; error?: string; at: string }> = [];

  constructor(
    private readonly keys: WebhookKeys,
    private readonly onDelivery: (ok: boolean) => void,
  ) {}

  subscribe(sub: HighLevelSubscription): HighLevelSubscription[] {
    assertLoopbackSubscriptionUrl(sub?.url);
    this.subscriptions.push({
      url: sub.url,
      ...(sub.types ? { types: sub.types } : {}),
      ...(sub.signatures ? { signatures: sub.signatures } : {}),
    });
    return this.subscriptions;
  }

  publish(type: string, locationId: string, payload: Record<string, unknown>): void {
    for (const sub of this.subscriptions) {
      if (sub.types && !sub.types.includes(type)) continue;
      void sendHighLevelWebhook(this.keys, { url: sub.url, type, locationId, payload, signatures: sub.signatures }).then((d) => {
        this.deliveries.push({
          type,
          url: sub.url,
          webhookId: d.webhookId,
          status: d.status,
          ...(d.error ? { error: d.error } : {}),
          at: new Date().toISOString(),
        });
        if (this.deliveries.length > 2000) this.deliveries.splice(0, this.deliveries.length - 2000);
        this.onDelivery(d.ok);
      });
    }
  }

  reset(): void {
    this.subscriptions = [];
    this.deliveries = [];
  }
}
