import type { ActiveFlow } from '../intake/flow-resolver';

/**
 * A key that verifies webhook deliveries. Payaca signs with a shared secret (HMAC-SHA256); HighLevel signs
 * with its private key and publishes the public key (Ed25519 now, RSA-SHA256 for the retired legacy header).
 */
export type WebhookKey =
  { kind: 'hmac-sha256'; secret: string } | { kind: 'ed25519'; publicKey: string } | { kind: 'rsa-sha256'; publicKey: string };

/**
 * Where a flow's webhook keys come from: the credential named by the flow's `trigger.secret`, bound in
 * the flow's environment. The credentials module implements this (never logs or returns the secret).
 */
export interface WebhookSecretSource {
  /**
   * Keys for the flow's `trigger.secret` credential. Returns [] when the flow names no secret.
   * Throws when the flow names one that cannot be resolved (intake answers 503 so the sender retries).
   */
  keysFor(flow: ActiveFlow): Promise<WebhookKey[]>;
}

/** Keys given in code, by flow name (tests, and flows served from files with secrets in env vars). */
export class StaticWebhookSecretSource implements WebhookSecretSource {
  constructor(private readonly keys: Record<string, WebhookKey[]> = {}) {}
  set(flowName: string, keys: WebhookKey[]): void {
    this.keys[flowName] = keys;
  }
  async keysFor(flow: ActiveFlow): Promise<WebhookKey[]> {
    return this.keys[flow.name] ?? [];
  }
}
