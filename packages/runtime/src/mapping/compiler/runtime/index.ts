import { BUILTINS } from '../builtins/catalog';
import { argument, callValue, enter, Fn, leave } from './functions';
import { charge, checkLength, fail, meter, tick } from './meter';
import { nativeFunction } from './natives';
import * as operators from './operators';
import { orderBy } from './sort';
import { partial, PLACEHOLDER } from './partial';
import { applyDelete, applyUpdate, transformFunction } from './transform';
import { regexFunction } from './regex-function';
import * as steps from './steps';
import { namePath, variablePath } from './name-path';
import * as values from './values';

/** "Not bound yet" for a frame variable (jsonata's frames then look further out); never a JSONata value. */
export const UNSET: unique symbol = Symbol('unset');

const hasOwn = Object.prototype.hasOwnProperty;

/** `$now` and `$millis` as values: the evaluation's timestamp, like the built-ins called directly. */
const TIME_FUNCTIONS: Record<string, Fn> = {
  now: new Fn((context, ...args) => BUILTINS.now?.(context, args), 2, undefined, false),
  millis: new Fn((context, ...args) => BUILTINS.millis?.(context, args), 0, undefined, false),
};

/** A `$name` the expression does not bind: the caller's binding, else jsonata's built-in of that name. */
function free(bindings: Record<string, unknown> | undefined, name: string): unknown {
  if (bindings !== undefined && bindings !== null && hasOwn.call(bindings, name)) return bindings[name];
  return TIME_FUNCTIONS[name] ?? nativeFunction(name);
}

/** `lhs ~> $f` (evaluateApplyExpression); `$f ~> $g` composes them. */
function applyTo(lhs: unknown, f: unknown): unknown {
  if (!values.isFunction(f)) fail(); // T2006
  if (values.isFunction(lhs)) return compose(lhs, f);
  return callValue(f, [lhs], null);
}

/**
 * jsonata's chain, `function($f, $g) { function($x){ $g($f($x)) } }` applied to both: `$f($x)` is an
 * ordinary call (argument wrapped, result normalised), `$g(…)` a tail call (context of the caller).
 */
const CHAIN_DEPTH = 8;
function compose(f: unknown, g: unknown): Fn {
  return new Fn(
    (context, x) => {
      enter(CHAIN_DEPTH);
      const inner = values.fin(callValue(f, [argument(x)], null));
      const result = callValue(g, [inner], context);
      leave(CHAIN_DEPTH);
      return result;
    },
    1,
    undefined,
    true,
  );
}

/**
 * Everything generated code may call, handed to it as one object it destructures once per compiled
 * expression. Generated code names nothing else: no global is in its reach.
 */
export const runtime = {
  ...values,
  ...operators,
  ...steps,
  orderBy,
  partial,
  PLACEHOLDER,
  regexFunction,
  transformFunction,
  applyUpdate,
  applyDelete,
  namePath,
  variablePath,
  argument,
  callValue,
  enter,
  leave,
  Fn,
  applyTo,
  free,
  fail,
  tick,
  charge,
  checkLength,
  METER: meter,
  UNSET,
  BI: BUILTINS,
};

export type Runtime = typeof runtime;
