/**
 * "Contains" comparison for flow-test assertions: objects match by the keys the expectation gives,
 * arrays element by element (same length), scalars by equality. Mismatches come back with the field
 * path and a readable line diff of expected vs actual (actual cut down to the expected keys).
 */
export interface Mismatch {
  path: string;
  message: string;
  diff: string;
}

export function subsetMismatches(expected: unknown, actual: unknown, path = ''): Mismatch[] {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      return [mismatch(path, expected, actual, `expected an object, got ${describe(actual)}`)];
    }
    const out: Mismatch[] = [];
    for (const [k, v] of Object.entries(expected)) {
      const a = (actual as Record<string, unknown>)[k];
      const p = path ? `${path}.${k}` : k;
      if (a === undefined && v !== undefined) out.push(mismatch(p, v, a, `missing "${k}"`));
      else out.push(...subsetMismatches(v, a, p));
    }
    return out;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [mismatch(path, expected, actual, `expected an array, got ${describe(actual)}`)];
    if (actual.length !== expected.length) {
      return [mismatch(path, expected, actual, `expected ${expected.length} item(s), got ${actual.length}`)];
    }
    return expected.flatMap((e, i) => subsetMismatches(e, actual[i], `${path}[${i}]`));
  }
  if (expected === actual) return [];
  return [mismatch(path, expected, actual, `expected ${JSON.stringify(expected)}, got ${describe(actual)}`)];
}

function describe(v: unknown): string {
  return v === undefined ? 'nothing' : JSON.stringify(v);
}

function mismatch(path: string, expected: unknown, actual: unknown, message: string): Mismatch {
  return { path, message, diff: lineDiff(render(expected), render(prune(actual, expected))) };
}

function render(v: unknown): string {
  return v === undefined ? '(nothing)' : JSON.stringify(v, null, 2);
}

/** Cuts `actual` down to the keys `expected` names, so the diff shows only what was asserted. */
export function prune(actual: unknown, expected: unknown): unknown {
  if (expected && typeof expected === 'object' && !Array.isArray(expected) && actual && typeof actual === 'object' && !Array.isArray(actual)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(expected)) {
      if (k in (actual as object)) out[k] = prune((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k]);
    }
    return out;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) return actual.map((a, i) => prune(a, expected[i]));
  return actual;
}

/** Minimal LCS line diff: `- expected` / `+ actual` / `  same`. */
export function lineDiff(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  const n = a.length;
  const m = b.length;
  if (n * m > 250_000) return `- ${a.join('\n- ')}\n+ ${b.join('\n+ ')}`;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const lines: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      lines.push(`  ${a[i]}`);
      i++;
      j++;
    } else if (j < m && (i >= n || lcs[i]![j + 1]! > lcs[i + 1]![j]!)) {
      lines.push(`+ ${b[j]}`);
      j++;
    } else {
      lines.push(`- ${a[i]}`);
      i++;
    }
  }
  return lines.join('\n');
}
