/** JSONata's boolean rules ($boolean): empty strings, 0, empty arrays/objects, null and nothing are false. */
export function isTruthy(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value.length > 0;
  if (Array.isArray(value)) return value.some(isTruthy);
  if (typeof value === 'function') return false;
  return Object.keys(value as object).length > 0;
}
