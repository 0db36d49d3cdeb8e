import { createHmac, createPublicKey, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import type { WebhookKey } from './webhook-secret-source';

/**
 * Verifies a delivery's signature over the RAW body (never a re-serialised JSON):
 * - Payaca `X-Payaca-Signature`: hex HMAC-SHA256 keyed with the webhook secret, compared timing-safe.
 * - HighLevel `x-ghl-signature`: base64 Ed25519 signature, HighLevel's public key.
 * - HighLevel legacy `x-wh-signature`: base64 RSA-SHA256 (retired 2026-07-01, still met).
 * - generic: `x-splice-signature` (or `x-signature-256`), hex HMAC-SHA256, optionally prefixed `sha256=`.
 */
export type SignatureOutcome = { ok: true; scheme: string } | { ok: false; reason: string };

const HMAC_HEADERS = ['x-payaca-signature', 'x-splice-signature', 'x-signature-256', 'x-hub-signature-256'];

export function verifySignature(raw: Buffer, headers: Record<string, string | string[] | undefined>, keys: WebhookKey[]): SignatureOutcome {
  const header = (name: string): string | undefined => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const ghl = header('x-ghl-signature');
  const legacy = header('x-wh-signature');
  const hmacHeader = HMAC_HEADERS.map((h) => [h, header(h)] as const).find((e): e is readonly [string, string] => e[1] !== undefined);
  if (!ghl && !legacy && !hmacHeader) {
    return { ok: false, reason: 'the delivery carries no signature header (X-Payaca-Signature, x-ghl-signature or x-wh-signature)' };
  }
  for (const key of keys) {
    if (key.kind === 'hmac-sha256' && hmacHeader) {
      if (hmacMatches(raw, key.secret, hmacHeader[1])) return { ok: true, scheme: `hmac-sha256:${hmacHeader[0]}` };
    } else if (key.kind === 'ed25519' && ghl) {
      if (publicKeyVerifies(null, raw, key.publicKey, ghl, 'ed25519')) return { ok: true, scheme: 'ed25519:x-ghl-signature' };
    } else if (key.kind === 'rsa-sha256' && legacy) {
      if (publicKeyVerifies('sha256', raw, key.publicKey, legacy, 'rsa')) return { ok: true, scheme: 'rsa-sha256:x-wh-signature' };
    }
  }
  return { ok: false, reason: "the signature does not match the body signed with the flow's webhook key" };
}

function hmacMatches(raw: Buffer, secret: string, given: string): boolean {
  const hex = given
    .trim()
    .replace(/^sha256=/i, '')
    .toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) return false;
  const expected = createHmac('sha256', secret).update(raw).digest();
  const actual = Buffer.from(hex, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

const keyCache = new Map<string, KeyObject>();

/** Public keys come as PEM, base64 SPKI DER, or (Ed25519) a base64/hex raw 32-byte key. */
export function parsePublicKey(text: string, kind: 'ed25519' | 'rsa'): KeyObject {
  const cached = keyCache.get(text);
  if (cached) return cached;
  let key: KeyObject;
  const t = text.trim();
  if (t.startsWith('-----BEGIN')) {
    key = createPublicKey(t);
  } else {
    const bytes = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
    if (kind === 'ed25519' && bytes.length === 32) {
      // Raw Ed25519 key: wrap it in the fixed SPKI prefix (RFC 8410) so node can read it.
      key = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), bytes]), format: 'der', type: 'spki' });
    } else {
      key = createPublicKey({ key: bytes, format: 'der', type: 'spki' });
    }
  }
  if (keyCache.size > 256) keyCache.clear();
  keyCache.set(text, key);
  return key;
}

function publicKeyVerifies(alg: string | null, raw: Buffer, publicKey: string, signature: string, kind: 'ed25519' | 'rsa'): boolean {
  try {
    const sig = Buffer.from(signature.trim(), 'base64');
    if (sig.length === 0) return false;
    return verify(alg, raw, parsePublicKey(publicKey, kind), sig);
  } catch {
    return false;
  }
}
