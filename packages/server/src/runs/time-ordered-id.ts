import { randomBytes } from 'node:crypto';

/**
 * UUID version 7: milliseconds since the epoch first, then random bits. Ids of rows written together sort
 * together, so inserts append to the end of each primary-key index instead of touching pages all over
 * it (fewer pages per commit), and ids sort by creation time.
 */
export function timeOrderedId(now = Date.now()): string {
  const b = randomBytes(16);
  b.writeUIntBE(now, 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
