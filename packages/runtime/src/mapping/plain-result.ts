/**
 * jsonata marks its result arrays with bookkeeping properties (`sequence`, `keepSingleton`, ...). Outputs
 * leave the mapping layer as plain JSON values, so deep-equal comparisons, structuredClone and storage see
 * ordinary arrays. Copy-on-write: untouched parts are returned as they are.
 */
export function plainResult(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > 256) return value;
  if (Array.isArray(value)) {
    const marked = Object.keys(value).length !== value.length;
    let out: unknown[] | undefined = marked ? value.slice(0, 0) : undefined;
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      const r = plainResult(v, depth + 1);
      if (!out && r !== v) out = value.slice(0, i);
      if (out) out.push(r);
    }
    return out ?? value;
  }
  let out: Record<string, unknown> | undefined;
  for (const k in value as Record<string, unknown>) {
    const v = (value as Record<string, unknown>)[k];
    const r = plainResult(v, depth + 1);
    if (!out && r !== v) out = { ...(value as Record<string, unknown>) };
    if (out) out[k] = r;
  }
  return out ?? value;
}
