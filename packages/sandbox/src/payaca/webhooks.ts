import { createHmac, randomUUID } from 'node:crypto';
import { assertLoopbackSubscriptionUrl, isLoopbackUrl } from '../core/admin-guard';
import { SandboxConfigError } from '../errors';

/**
 * Payaca webhooks: `x-payaca-event` names the event, `X-Payaca-Signature` is the hex HMAC-SHA256 of the raw
 * body keyed with the webhook secret. Like Payaca, a delivery that failed with anything but 2xx/4xx (5xx,
 * timeout, connection error) is retried with exponential backoff; the event id stays the same.
 */

export interface PayacaSubscription {
  url: string;
  /** Events to deliver; all when absent. */
  events?: string[];
}

export interface PayacaDeliveryAttempt {
  eventId: string;
  event: string;
  url: string;
  attempt: number;
  status: number;
  error?: string;
  at: string;
}

export interface PayacaWebhookOptions {
  secret: string;
  /** Attempts per delivery (1 = no redelivery). */
  maxAttempts: number;
  /** First backoff; doubles per attempt. */
  baseDelayMs: number;
}

export function signPayaca(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

export class PayacaWebhookSender {
  subscriptions: PayacaSubscription[] = [];
  attempts: PayacaDeliveryAttempt[] = [];
  private timers = new Set<NodeJS.Timeout>();

  constructor(
    public options: PayacaWebhookOptions,
    private readonly onAttempt: (a: PayacaDeliveryAttempt) => void,
  ) {}

  subscribe(sub: PayacaSubscription): PayacaSubscription[] {
    assertLoopbackSubscriptionUrl(sub?.url);
    this.subscriptions.push({ url: sub.url, ...(sub.events ? { events: sub.events } : {}) });
    return this.subscriptions;
  }

  /** Sends an event to every subscription that wants it (fire and forget; retries run in the background). */
  publish(event: string, data: Record<string, unknown>): string[] {
    const ids: string[] = [];
    for (const sub of this.subscriptions) {
      if (sub.events && !sub.events.includes(event)) continue;
      const envelope = this.envelope(event, data);
      ids.push(envelope.id);
      void this.deliver(sub.url, event, envelope, 1, this.options.maxAttempts);
    }
    return ids;
  }

  envelope(event: string, data: Record<string, unknown>, id: string = randomUUID()) {
    return { id, event, occurredAt: new Date().toISOString(), data };
  }

  /** One delivery with retries; resolves with the last attempt. */
  async deliver(
    url: string,
    event: string,
    envelope: { id: string },
    attempt: number,
    maxAttempts: number,
  ): Promise<PayacaDeliveryAttempt & { body: string; signature: string }> {
    if (!isLoopbackUrl(url))
      throw new SandboxConfigError('SANDBOX_WEBHOOK_URL', `webhook url must be on 127.0.0.1 or localhost (got ${JSON.stringify(url)})`);
    const body = JSON.stringify(envelope);
    const signature = signPayaca(this.options.secret, body);
    let status = 0;
    let error: string | undefined;
    try {
      const res = await fetch(url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'x-payaca-event': event, 'X-Payaca-Signature': signature },
        signal: AbortSignal.timeout(30_000),
      });
      status = res.status;
      await res.arrayBuffer();
    } catch (err) {
      error = (err as Error).message;
    }
    const record: PayacaDeliveryAttempt = {
      eventId: envelope.id,
      event,
      url,
      attempt,
      status,
      ...(error ? { error } : {}),
      at: new Date().toISOString(),
    };
    this.attempts.push(record);
    if (this.attempts.length > 2000) this.attempts.splice(0, this.attempts.length - 2000);
    this.onAttempt(record);
    const retryable = status === 0 || status >= 500 || (status > 0 && status < 200) || (status >= 300 && status < 400);
    if (retryable && attempt < maxAttempts) {
      const delay = this.options.baseDelayMs * 2 ** (attempt - 1);
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          this.timers.delete(t);
          resolve();
        }, delay);
        this.timers.add(t);
      });
      if (this.stopped) return { ...record, body, signature };
      return this.deliver(url, event, envelope, attempt + 1, maxAttempts);
    }
    return { ...record, body, signature };
  }

  private stopped = false;

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  reset(): void {
    this.subscriptions = [];
    this.attempts = [];
  }
}
