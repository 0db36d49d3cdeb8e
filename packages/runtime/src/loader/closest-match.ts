/**
 * Candidates within `tolerance` edits of `input` (case-insensitive), closest first, at most `max`.
 * Used for "did you mean" hints: step ids, fields, and catalog operation ids.
 */
export function closestMatches(
  input: string,
  candidates: Iterable<string>,
  opts: { max?: number; tolerance?: number } = {},
): string[] {
  const tolerance = opts.tolerance ?? Math.max(2, Math.floor(input.length / 3));
  const needle = input.toLowerCase();
  const scored: Array<{ c: string; d: number }> = [];
  for (const c of candidates) {
    const d = editDistance(needle, c.toLowerCase());
    if (d <= tolerance) scored.push({ c, d });
  }
  scored.sort((a, b) => a.d - b.d || a.c.localeCompare(b.c));
  return scored.slice(0, opts.max ?? 3).map((s) => s.c);
}

/** The candidate closest to `input` by edit distance, when it is close enough to be a likely typo. */
export function closestMatch(input: string, candidates: Iterable<string>): string | undefined {
  return closestMatches(input, candidates, { max: 1 })[0];
}

export function didYouMean(input: string, candidates: Iterable<string>): string {
  const match = closestMatch(input, candidates);
  return match ? ` (did you mean \`${match}\`?)` : '';
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
