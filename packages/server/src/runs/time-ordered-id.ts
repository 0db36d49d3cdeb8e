import { randomFillSync } from 'node:crypto';

/**
 * UUID version 7: milliseconds since the epoch first, then random bits. Ids of rows written together sort
 * together, so inserts append to the end of each primary-key index instead of touching pages all over
 * it (fewer pages per commit), and ids sort by creation time.
 */
// Random bytes drawn 4 KiB at a time (as crypto.randomUUID does): one call into OpenSSL per ~400 ids.
const pool = Buffer.allocUnsafe(4096);
let used = pool.length;
const id = Buffer.allocUnsafe(16);

export function timeOrderedId(now = Date.now()): string {
  if (used + 10 > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  id.writeUIntBE(now, 0, 6);
  pool.copy(id, 6, used, used + 10);
  used += 10;
  id[6] = (id[6]! & 0x0f) | 0x70;
  id[8] = (id[8]! & 0x3f) | 0x80;
  const h = id.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
