import { charge, fail } from './meter';
import { isArrayOfNumbers, isArrayOfStrings } from './values';

/**
 * fn.sort's merge sort, made iterative: the same split points and the same comparisons in the same order
 * as jsonata's recursive msort/merge_iter, so any comparator (even an inconsistent one) orders items the
 * same way. `swap(a, b)` true puts b first.
 */
export function mergeSort<T>(array: T[], swap: (a: T, b: T) => boolean): T[] {
  if (array.length <= 1) return array;
  const middle = Math.floor(array.length / 2);
  const left = mergeSort(array.slice(0, middle), swap);
  const right = mergeSort(array.slice(middle), swap);
  charge(left.length + right.length);
  const merged: T[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    if (swap(left[i] as T, right[j] as T)) merged.push(right[j++] as T);
    else merged.push(left[i++] as T);
  }
  while (i < left.length) merged.push(left[i++] as T);
  while (j < right.length) merged.push(right[j++] as T);
  return merged;
}

/** `$sort(array)` without a comparator: numbers or strings only (D3070), ascending. */
export function sortDefault(arr: unknown[]): unknown[] {
  if (arr.length <= 1) return arr;
  if (!isArrayOfNumbers(arr) && !isArrayOfStrings(arr)) fail();
  return mergeSort(arr, (a, b) => (a as number) > (b as number));
}

/** The order-by comparator of evaluateSortExpression on precomputed term values. */
function compareTerms(a: unknown[], b: unknown[], descending: boolean[]): boolean {
  let comp = 0;
  for (let index = 0; comp === 0 && index < descending.length; index++) {
    const aa = a[index];
    const bb = b[index];
    const atype = typeof aa;
    const btype = typeof bb;
    if (atype === 'undefined') {
      comp = btype === 'undefined' ? 0 : 1;
      continue;
    }
    if (btype === 'undefined') {
      comp = -1;
      continue;
    }
    if (!(atype === 'string' || atype === 'number') || !(btype === 'string' || btype === 'number')) fail(); // T2008
    if (atype !== btype) fail(); // T2007
    if (aa === bb) continue;
    comp = (aa as number) < (bb as number) ? -1 : 1;
    if (descending[index] === true) comp = -comp;
  }
  return comp === 1;
}

export function orderBy(sequence: unknown[], keys: unknown[][], descending: boolean[]): unknown[] {
  if (sequence.length <= 1) return sequence;
  const order = mergeSort(
    sequence.map((_, i) => i),
    (a, b) => compareTerms(keys[a] as unknown[], keys[b] as unknown[], descending),
  );
  return order.map((i) => sequence[i]);
}
