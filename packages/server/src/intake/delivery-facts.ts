import { findConnector, readDeliveryFact, type WebhookDeclaration } from '@splice/connectors';
import { compileExpression, evaluateExpression } from '@splice/runtime/mapping/index';
import type { WebhookTrigger } from '@splice/runtime';

/**
 * Facts read from a delivery: its event type (which flows run), its delivery key (deduplication) and its
 * timestamp (staleness). The signature covers the raw body and nothing else, so each fact comes from the
 * body as the sender's connector declares it (packages/connectors); a header only where the connector
 * declares that the sender names the fact in nothing but a header. An unsigned header never overrides
 * the signed body: a replayed delivery with a fresh `X-Delivery-Id` or timestamp header is the same one.
 */
type Headers = Record<string, string | string[] | undefined>;

/**
 * Senders without a connector (`source: generic`): the usual field names first, then the usual headers.
 * Such flows may be signed (X-Splice-Signature over the body), so the body wins here too.
 */
const GENERIC: WebhookDeclaration = {
  signatures: [],
  eventType: { body: ['type', 'event'], headers: ['x-event-type'], headerRisk: 'X-Event-Type is not signed.' },
  deliveryId: { body: ['webhookId', 'deliveryId'], headers: ['x-delivery-id', 'idempotency-key'], headerRisk: 'X-Delivery-Id and Idempotency-Key are not signed.' },
};

const declarations = new Map<string, WebhookDeclaration>();

export function webhookDeclarationOf(source: string): WebhookDeclaration {
  let d = declarations.get(source);
  if (!d) declarations.set(source, (d = findConnector(source)?.webhooks ?? GENERIC));
  return d;
}

export function eventTypeOf(source: string, headers: Headers, body: unknown): string | undefined {
  return text(readDeliveryFact(webhookDeclarationOf(source).eventType, headers, body));
}

/**
 * The delivery key: the flow's declared `trigger.idempotencyKey` (JSONata over the body), else the
 * sender's delivery id as its connector declares it (HighLevel `webhookId`, Payaca's envelope `id`).
 */
export async function deliveryKeyOf(trigger: WebhookTrigger, headers: Headers, body: unknown): Promise<string | undefined> {
  if (trigger.idempotencyKey) {
    const v = await evaluateExpression(compileExpression(trigger.idempotencyKey), body, { event: body });
    if (v === undefined || v === null || v === '') return undefined;
    return typeof v === 'string' ? v : JSON.stringify(v);
  }
  return text(readDeliveryFact(webhookDeclarationOf(trigger.source).deliveryId, headers, body));
}

/** The delivery's own timestamp in ms as its connector declares it; undefined if it has none (or no such fact). */
export function deliveryTimeOf(source: string, headers: Headers, body: unknown): number | undefined {
  const raw = readDeliveryFact(webhookDeclarationOf(source).timestamp, headers, body);
  if (raw === undefined) return undefined;
  if (typeof raw !== 'number' && typeof raw !== 'string') return Number.NaN; // present but unreadable: refused
  if (typeof raw === 'number' || /^\d+(\.\d+)?$/.test(raw)) {
    const n = Number(raw);
    return n < 1e12 ? n * 1000 : n; // seconds or milliseconds since the epoch
  }
  const t = Date.parse(raw);
  return Number.isNaN(t) ? Number.NaN : t;
}

/** Event types and delivery ids are text; a number is taken as its decimal text, anything else as absent. */
function text(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;
}
