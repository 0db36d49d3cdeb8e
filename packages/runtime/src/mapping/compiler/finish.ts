export const TOO_LARGE: unique symbol = Symbol('result over the output limit');

/**
 * plainResult and jsonSizeExceeds (json-size.ts, plain-result.ts) in one walk, for results of compiled
 * code: the same size estimate and the same plain copy. Compiled code marks arrays only with jsonata's
 * own flags, so a flag check stands in for plainResult's Object.keys count (which allocates every index
 * as a string). Past the limit it answers TOO_LARGE and the interpreter path reports the error.
 */
export function finishResult(value: unknown, limit: number): unknown {
  if (value === undefined) return undefined;
  const state = { size: 0, limit };
  const out = plain(value, 0, state);
  return state.size > limit ? TOO_LARGE : out;
}

interface State {
  size: number;
  limit: number;
}

type Marked = unknown[] & { sequence?: unknown; keepSingleton?: unknown; outerWrapper?: unknown; tupleStream?: unknown };

function plain(value: unknown, depth: number, state: State): unknown {
  if (state.size > state.limit) return value;
  if (typeof value === 'string') {
    state.size += value.length + 2;
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    state.size += 8;
    return value;
  }
  if (value === null || value === undefined) {
    state.size += 4;
    return value;
  }
  if (typeof value !== 'object') return value;
  if (depth > 256) {
    // plainResult leaves deeper values as they are; their size still counts, walked without recursion.
    addSize(value, state);
    return value;
  }
  if (Array.isArray(value)) {
    state.size += 2 + value.length;
    const a = value as Marked;
    const marked = a.sequence !== undefined || a.keepSingleton !== undefined || a.outerWrapper !== undefined || a.tupleStream !== undefined;
    let out: unknown[] | undefined = marked ? value.slice(0, 0) : undefined;
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      const r = plain(v, depth + 1, state);
      if (!out && r !== v) out = value.slice(0, i);
      if (out) out.push(r);
    }
    return out ?? value;
  }
  let out: Record<string, unknown> | undefined;
  for (const k in value as Record<string, unknown>) {
    state.size += k.length + 4;
    const v = (value as Record<string, unknown>)[k];
    const r = plain(v, depth + 1, state);
    if (!out && r !== v) out = { ...(value as Record<string, unknown>) };
    if (out) out[k] = r;
  }
  state.size += 2;
  return out ?? value;
}

/** jsonSizeExceeds' estimate of a value, added to the running size (stops once past the limit). */
function addSize(value: unknown, state: State): void {
  const stack: unknown[] = [value];
  while (stack.length > 0 && state.size <= state.limit) {
    const v = stack.pop();
    if (typeof v === 'string') state.size += v.length + 2;
    else if (typeof v === 'number' || typeof v === 'boolean') state.size += 8;
    else if (v === null || v === undefined) state.size += 4;
    else if (Array.isArray(v)) {
      state.size += 2 + v.length;
      for (let i = 0; i < v.length; i++) stack.push(v[i]);
    } else if (typeof v === 'object') {
      for (const k in v as Record<string, unknown>) {
        state.size += k.length + 4;
        stack.push((v as Record<string, unknown>)[k]);
      }
      state.size += 2;
    }
  }
}
