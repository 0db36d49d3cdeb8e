import { compileExpression, evaluateExpression } from '@splice/runtime/mapping/index';
import type { WebhookTrigger } from '@splice/runtime';

/**
 * Facts read from a delivery: its event type, its delivery key (for deduplication) and its timestamp
 * (for staleness). Each sender puts them in a different place.
 */
type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function eventTypeOf(source: string, headers: Headers, body: unknown): string | undefined {
  const b = (body ?? {}) as Record<string, unknown>;
  if (source === 'payaca') return header(headers, 'x-payaca-event') ?? str(b.event) ?? str(b.type);
  if (source === 'highlevel') return str(b.type) ?? str(b.event);
  return header(headers, 'x-event-type') ?? str(b.type) ?? str(b.event);
}

/**
 * The delivery key: the flow's declared `trigger.idempotencyKey` (JSONata over the body), else the
 * sender's delivery id (HighLevel `webhookId`, a Payaca delivery header), else an `Idempotency-Key` header.
 */
export async function deliveryKeyOf(trigger: WebhookTrigger, headers: Headers, body: unknown): Promise<string | undefined> {
  // Payaca wraps each event in an envelope `{ id, event, occurredAt, data }`; a redelivery keeps its id.
  if (trigger.idempotencyKey) {
    const v = await evaluateExpression(compileExpression(trigger.idempotencyKey), body, { event: body });
    if (v === undefined || v === null || v === '') return undefined;
    return typeof v === 'string' ? v : JSON.stringify(v);
  }
  const b = (body ?? {}) as Record<string, unknown>;
  const fromHeaders =
    header(headers, 'x-payaca-delivery-id') ??
    header(headers, 'x-payaca-delivery') ??
    header(headers, 'x-ghl-webhook-id') ??
    header(headers, 'x-delivery-id') ??
    header(headers, 'idempotency-key');
  const envelopeId = trigger.source === 'payaca' && b.data !== undefined ? str(b.id) : undefined;
  return fromHeaders ?? str(b.webhookId) ?? envelopeId ?? str(b.deliveryId);
}

/** The delivery's own timestamp in ms, from the body's `timestamp` or a timestamp header; undefined if none. */
export function deliveryTimeOf(headers: Headers, body: unknown): number | undefined {
  const b = (body ?? {}) as Record<string, unknown>;
  const raw = header(headers, 'x-payaca-timestamp') ?? header(headers, 'x-webhook-timestamp') ?? b.timestamp;
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw === 'number' || /^\d+(\.\d+)?$/.test(String(raw))) {
    const n = Number(raw);
    return n < 1e12 ? n * 1000 : n; // seconds or milliseconds since the epoch
  }
  const t = Date.parse(String(raw));
  return Number.isNaN(t) ? Number.NaN : t;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}
