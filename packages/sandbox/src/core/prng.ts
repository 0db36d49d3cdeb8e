import { createHash } from 'node:crypto';

/**
 * Seeded randomness. Demo data and fault patterns must reproduce exactly from a seed, so nothing here
 * reads Math.random or the clock.
 */

/** mulberry32: a small, fast PRNG with a 32-bit state; good enough for demo data. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A number in [0, 1) fixed by its inputs: the n-th draw of a named stream, independent of other streams. */
export function hashUnit(...parts: Array<string | number>): number {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  return digest.readUInt32BE(0) / 4294967296;
}

/** Deterministic bytes for a label, e.g. a demo token or a key seed. */
export function hashBytes(length: number, ...parts: Array<string | number>): Buffer {
  const out: Buffer[] = [];
  let total = 0;
  for (let i = 0; total < length; i++) {
    const chunk = createHash('sha256')
      .update([...parts, i].join('\u0000'))
      .digest();
    out.push(chunk);
    total += chunk.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** An id shaped like HighLevel's 20-character alphanumeric ids (locations, users, companies). */
export function alnumId(rand: () => number, length = 20): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ALNUM[Math.floor(rand() * ALNUM.length)];
  return s;
}

/** An id shaped like a MongoDB ObjectId (24 hex characters), as HighLevel uses for tags and posts. */
export function objectId(rand: () => number): string {
  let s = '';
  for (let i = 0; i < 24; i++) s += Math.floor(rand() * 16).toString(16);
  return s;
}

export function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)] as T;
}
