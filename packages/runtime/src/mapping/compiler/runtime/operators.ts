import { charge, checkLength, fail } from './meter';
import { deepEqual, isNumeric, type Seq } from './values';
import { stringOf } from './natives';

/**
 * jsonata's operators (evaluateNumericExpression, evaluateEqualityExpression, evaluateComparisonExpression,
 * evaluateStringConcat, evaluateRangeExpression, evaluateIncludesExpression, unary minus). Each has a fast
 * path for the common operand types; every case where jsonata throws fails (→ the interpreter reports it).
 */
function numericOperands(l: unknown, r: unknown): boolean {
  if (l !== undefined && !isNumeric(l)) fail(); // T2001
  if (r !== undefined && !isNumeric(r)) fail(); // T2002
  return l !== undefined && r !== undefined;
}

export function add(l: unknown, r: unknown): unknown {
  if (typeof l === 'number' && typeof r === 'number' && l - l === 0 && r - r === 0) return l + r;
  return numericOperands(l, r) ? (l as number) + (r as number) : undefined;
}
export function sub(l: unknown, r: unknown): unknown {
  if (typeof l === 'number' && typeof r === 'number' && l - l === 0 && r - r === 0) return l - r;
  return numericOperands(l, r) ? (l as number) - (r as number) : undefined;
}
export function mul(l: unknown, r: unknown): unknown {
  if (typeof l === 'number' && typeof r === 'number' && l - l === 0 && r - r === 0) return l * r;
  return numericOperands(l, r) ? (l as number) * (r as number) : undefined;
}
export function div(l: unknown, r: unknown): unknown {
  if (typeof l === 'number' && typeof r === 'number' && l - l === 0 && r - r === 0) return l / r;
  return numericOperands(l, r) ? (l as number) / (r as number) : undefined;
}
export function mod(l: unknown, r: unknown): unknown {
  if (typeof l === 'number' && typeof r === 'number' && l - l === 0 && r - r === 0) return l % r;
  return numericOperands(l, r) ? (l as number) % (r as number) : undefined;
}

export function eq(l: unknown, r: unknown): boolean {
  if (l === undefined || r === undefined) return false;
  return l === r || deepEqual(l, r);
}
export function ne(l: unknown, r: unknown): boolean {
  if (l === undefined || r === undefined) return false;
  return !(l === r || deepEqual(l, r));
}

/** Both comparable (string, number or undefined), same type when both defined; else T2010/T2009. */
function comparable(l: unknown, r: unknown): boolean {
  const lt = typeof l;
  const rt = typeof r;
  if (!(lt === 'undefined' || lt === 'string' || lt === 'number') || !(rt === 'undefined' || rt === 'string' || rt === 'number')) fail();
  if (lt === 'undefined' || rt === 'undefined') return false;
  if (lt !== rt) fail();
  return true;
}
export function lt(l: unknown, r: unknown): boolean | undefined {
  if (typeof l === 'number' && typeof r === 'number') return l < r;
  return comparable(l, r) ? (l as number) < (r as number) : undefined;
}
export function le(l: unknown, r: unknown): boolean | undefined {
  if (typeof l === 'number' && typeof r === 'number') return l <= r;
  return comparable(l, r) ? (l as number) <= (r as number) : undefined;
}
export function gt(l: unknown, r: unknown): boolean | undefined {
  if (typeof l === 'number' && typeof r === 'number') return l > r;
  return comparable(l, r) ? (l as number) > (r as number) : undefined;
}
export function ge(l: unknown, r: unknown): boolean | undefined {
  if (typeof l === 'number' && typeof r === 'number') return l >= r;
  return comparable(l, r) ? (l as number) >= (r as number) : undefined;
}

export function concat(l: unknown, r: unknown): string {
  const ls = l === undefined ? '' : typeof l === 'string' ? l : (stringOf(l) as string);
  const rs = r === undefined ? '' : typeof r === 'string' ? r : (stringOf(r) as string);
  return ls + rs;
}

export function includes(l: unknown, r: unknown): boolean {
  if (l === undefined || r === undefined) return false;
  const list = Array.isArray(r) ? r : [r];
  charge(list.length);
  for (let i = 0; i < list.length; i++) if (list[i] === l) return true;
  return false;
}

export function range(l: unknown, r: unknown): Seq | undefined {
  if (l !== undefined && !Number.isInteger(l)) fail(); // T2003
  if (r !== undefined && !Number.isInteger(r)) fail(); // T2004
  if (l === undefined || r === undefined) return undefined;
  const lo = l as number;
  const hi = r as number;
  if (lo > hi) return undefined;
  const size = hi - lo + 1;
  if (size > 1e7) fail(); // D2014
  checkLength(size);
  charge(size);
  const result = new Array(size) as Seq;
  for (let item = lo, index = 0; item <= hi; item++, index++) result[index] = item;
  result.sequence = true;
  return result;
}

export function negate(v: unknown): unknown {
  if (v === undefined) return undefined;
  if (isNumeric(v)) return -(v as number);
  return fail(); // D1002
}
