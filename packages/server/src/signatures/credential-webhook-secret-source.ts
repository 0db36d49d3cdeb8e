import type { ActiveFlow } from '../intake/flow-resolver';
import type { WebhookKey, WebhookSecretSource } from './webhook-secret-source';

/**
 * Webhook keys from the credentials store: the flow's `trigger.secret` names a flow credential, the
 * flow's environment binds it to a stored credential (unbound: the same name), whose kind says how it
 * verifies (`payaca-webhook-secret`: HMAC; `highlevel-webhook-key`: Ed25519 or legacy RSA). Keys are
 * cached briefly so intake does not decrypt per delivery; a rotation is seen within `ttlMs`.
 */
export interface CredentialReader {
  readActive(name: string): Promise<{ info: { kind: string; meta: Record<string, string> }; secret: Record<string, string> }>;
}

export class CredentialWebhookSecretSource implements WebhookSecretSource {
  private readonly cache = new Map<string, { at: number; keys: Promise<WebhookKey[]> }>();

  constructor(
    private readonly store: CredentialReader,
    /** Flow credential name → stored name, for the flow's environment. */
    private readonly bindingsOf: (flow: ActiveFlow) => Promise<Record<string, string>>,
    private readonly ttlMs = 5_000,
  ) {}

  async keysFor(flow: ActiveFlow): Promise<WebhookKey[]> {
    const trigger = flow.flow.trigger;
    if (trigger.type !== 'webhook' || !trigger.secret) return [];
    const bindings = await this.bindingsOf(flow);
    const stored = bindings[trigger.secret] ?? trigger.secret;
    const hit = this.cache.get(stored);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.keys;
    const keys = this.read(stored);
    this.cache.set(stored, { at: Date.now(), keys });
    keys.catch(() => this.cache.delete(stored));
    return keys;
  }

  private async read(name: string): Promise<WebhookKey[]> {
    const cred = await this.store.readActive(name);
    switch (cred.info.kind) {
      case 'payaca-webhook-secret':
        return cred.secret.secret ? [{ kind: 'hmac-sha256', secret: cred.secret.secret }] : [];
      case 'highlevel-webhook-key': {
        const publicKey = cred.secret.publicKey;
        if (!publicKey) return [];
        return [{ kind: (cred.info.meta.algorithm ?? 'ed25519') === 'rsa-sha256' ? 'rsa-sha256' : 'ed25519', publicKey }];
      }
      default: {
        // Generic kinds: a `secret` field is an HMAC secret, a `publicKey` field an Ed25519 key.
        const keys: WebhookKey[] = [];
        if (cred.secret.secret) keys.push({ kind: 'hmac-sha256', secret: cred.secret.secret });
        if (cred.secret.publicKey) keys.push({ kind: 'ed25519', publicKey: cred.secret.publicKey });
        return keys;
      }
    }
  }
}
