/**
 * What a connector's webhook deliveries carry, and where: the signature scheme, and the three facts that
 * decide what runs: the event type (which flows run), the delivery id (deduplication) and the timestamp
 * (staleness). The signature covers the raw body only, so these are read from the body; a header is read
 * only where the sender names a fact in nothing but a header, and then the declaration says what that
 * costs (`headerRisk`), for the docs and `splice catalog triggers`.
 */
export interface DeliveryFact {
  /** Top-level body fields, the first one present wins. Covered by the signature. */
  body: string[];
  /** Read `body` only when the body also has this field (Payaca's envelope `{ id, event, data }`). */
  onlyWithBodyField?: string;
  /** Unsigned headers, read only when the body names none of `body`. Needs `headerRisk`. */
  headers?: string[];
  /** What an attacker who replays a signed body could do with the unsigned header. */
  headerRisk?: string;
}

export interface WebhookSignatureScheme {
  /** `hmac-sha256`: shared secret; `ed25519` / `rsa-sha256`: the sender's public key. */
  scheme: 'hmac-sha256' | 'ed25519' | 'rsa-sha256';
  /** Lower-case header name carrying the signature. */
  header: string;
  encoding: 'hex' | 'base64';
  /** Set when the sender no longer uses this scheme but deliveries may still carry it. */
  retired?: string;
}

export interface WebhookDeclaration {
  signatures: WebhookSignatureScheme[];
  eventType: DeliveryFact;
  deliveryId?: DeliveryFact;
  /** ISO 8601 text, or seconds / milliseconds since the epoch. Deliveries too far from now are refused. */
  timestamp?: DeliveryFact;
}

type Headers = Record<string, string | string[] | undefined>;

/**
 * Reads one fact of a delivery as declared: the first body field present (whatever its type: a body that
 * names the fact oddly is not overridden by a header), else the first declared header; undefined if none.
 */
export function readDeliveryFact(fact: DeliveryFact | undefined, headers: Headers, body: unknown): unknown {
  if (!fact) return undefined;
  const b = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  if (fact.onlyWithBodyField === undefined || b[fact.onlyWithBodyField] !== undefined) {
    for (const field of fact.body) {
      const v = b[field];
      if (v !== undefined && v !== null && v !== '') return v;
    }
  }
  for (const name of fact.headers ?? []) {
    const raw = headers[name];
    const v = Array.isArray(raw) ? raw[0] : raw;
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
}
