/**
 * Three-way line merge that keeps the user's formatting: `base` is the yaml library's rendering of the
 * document before an edit, `source` the text as the user wrote it, `edited` the rendering after the edit.
 * Where the edit changed nothing, the user's own lines are kept (their folding, comment alignment,
 * spacing); where it changed something, the edited lines are taken.
 */

/** Pairs of equal lines (indexes into a and b) of a longest common subsequence, in order. */
export function matchLines(a: string[], b: string[]): Array<[number, number]> {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const n = endA - start;
  const m = endB - start;
  // lengths[i][j]: LCS length of a[start+i..endA) and b[start+j..endB)
  const lengths = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i]![j] = a[start + i] === b[start + j] ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
    }
  }
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < start; i++) pairs.push([i, i]);
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[start + i] === b[start + j]) {
      pairs.push([start + i, start + j]);
      i++;
      j++;
    } else if (lengths[i + 1]![j]! >= lengths[i]![j + 1]!) i++;
    else j++;
  }
  for (let k = 0; k < a.length - endA; k++) pairs.push([endA + k, endB + k]);
  return pairs;
}

const same = (x: string[], y: string[]) => x.length === y.length && x.every((l, i) => l === y[i]);

export function mergeLines(base: string, source: string, edited: string): string {
  const A = base.split('\n');
  const S = source.split('\n');
  const B = edited.split('\n');
  const toS = new Map(matchLines(A, S));
  const toB = new Map(matchLines(A, B));
  // Anchors: base lines unchanged in both, plus a sentinel at the end.
  const anchors: Array<[number, number, number]> = [];
  for (let a = 0; a < A.length; a++) {
    const s = toS.get(a);
    const b = toB.get(a);
    if (s !== undefined && b !== undefined) anchors.push([a, s, b]);
  }
  anchors.push([A.length, S.length, B.length]);
  const out: string[] = [];
  let [pa, ps, pb] = [0, 0, 0];
  for (const [a, s, b] of anchors) {
    const chunkA = A.slice(pa, a);
    const chunkS = S.slice(ps, s);
    const chunkB = B.slice(pb, b);
    out.push(...(same(chunkA, chunkB) ? chunkS : chunkB));
    if (a < A.length) out.push(S[s]!);
    [pa, ps, pb] = [a + 1, s + 1, b + 1];
  }
  return out.join('\n');
}
