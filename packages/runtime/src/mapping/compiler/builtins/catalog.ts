import { coreBuiltins, native, type Builtin } from './core';
import { higherOrderBuiltins } from './higher-order';
import { regexBuiltins } from './regex';
import { stringBuiltins, timeBuiltins } from './strings';

/**
 * Every jsonata built-in by how compiled code runs it: ours (fast paths, the higher-order and string
 * ones jsonata implements asynchronously), jsonata's own implementation (synchronous, linear in its
 * input), or not at all (the expression stays interpreted, with the reason given).
 */
const JSONATA_IMPLEMENTATION = [
  'max',
  'min',
  'average',
  'substringBefore',
  'substringAfter',
  'formatNumber',
  'formatBase',
  'formatInteger',
  'parseInteger',
  'number',
  'floor',
  'ceil',
  'round',
  'abs',
  'sqrt',
  'power',
  'random',
  'zip',
  'keys',
  'spread',
  'merge',
  'reverse',
  'error',
  'assert',
  'type',
  'shuffle',
  'base64encode',
  'base64decode',
  'encodeUrlComponent',
  'encodeUrl',
  'decodeUrlComponent',
  'decodeUrl',
  'toMillis',
  'fromMillis',
  'clone',
] as const;

export const NOT_COMPILED: Record<string, string> = {
  eval: '$eval parses its argument at run time',
};

export const BUILTINS: Record<string, Builtin> = {
  ...Object.fromEntries(JSONATA_IMPLEMENTATION.map((name) => [name, native(name)])),
  ...coreBuiltins,
  ...higherOrderBuiltins,
  ...stringBuiltins,
  ...regexBuiltins,
  ...timeBuiltins,
};

export const BUILTIN_NAMES = new Set([...Object.keys(BUILTINS), ...Object.keys(NOT_COMPILED)]);
