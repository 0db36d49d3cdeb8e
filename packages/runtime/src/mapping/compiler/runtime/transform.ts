import { Fn } from './functions';
import { fail } from './meter';
import { isArrayOfStrings, keysOf } from './values';

/**
 * The transform operator `| pattern | update [, delete] |` (evaluateTransformExpression): a function of
 * signature `<(oa):o>` that clones its argument with `$clone`, then updates and deletes fields of every
 * match of the pattern in the clone. The emitter writes the body; these are its checks and steps.
 */
const TRANSFORM_SIGNATURE = {
  definition: '<(oa):o>',
  validate(args: unknown[]): unknown[] {
    // jsonata's regex for this signature is ^([oam])$: exactly one object, array or undefined (T0410).
    const v = args[0];
    if (args.length !== 1 || !(v === undefined || Array.isArray(v) || (v !== null && typeof v === 'object' && !(v instanceof Fn)))) fail();
    return args;
  },
};

export function transformFunction(body: (obj: unknown) => unknown): Fn {
  return new Fn((_context, obj) => body(obj), 1, TRANSFORM_SIGNATURE, false);
}

/** The update of one match: an object (T2011) whose fields are written into the match. */
export function applyUpdate(match: unknown, update: unknown): void {
  if (update === undefined) return;
  if (typeof update !== 'object' || update === null || Array.isArray(update)) fail(); // T2011
  for (const prop of keysOf(update)) (match as Record<string, unknown>)[prop] = (update as Record<string, unknown>)[prop];
}

/** The delete clause of one match: a string or array of strings (T2012), fields removed from the match. */
export function applyDelete(match: unknown, deletions: unknown): void {
  if (deletions === undefined) return;
  const list = Array.isArray(deletions) ? deletions : [deletions];
  if (!isArrayOfStrings(list)) fail(); // T2012
  for (const name of list as string[]) if (typeof match === 'object' && match !== null) delete (match as Record<string, unknown>)[name];
}
