/**
 * True when `value` serialised as JSON would exceed `limit` bytes. Walks iteratively and stops as soon as
 * the limit is passed, so a huge result is never stringified just to be rejected. Sizes are estimates
 * (UTF-16 length for strings), good enough for a guard rail.
 */
export function jsonSizeExceeds(value: unknown, limit: number): boolean {
  let size = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') size += v.length + 2;
    else if (typeof v === 'number' || typeof v === 'boolean') size += 8;
    else if (v === null || v === undefined) size += 4;
    else if (Array.isArray(v)) {
      size += 2 + v.length;
      for (let i = 0; i < v.length; i++) stack.push(v[i]);
    } else if (typeof v === 'object') {
      for (const k in v as Record<string, unknown>) {
        size += k.length + 4;
        stack.push((v as Record<string, unknown>)[k]);
      }
      size += 2;
    }
    if (size > limit) return true;
  }
  return false;
}
