import { createRequire } from 'node:module';
import type jsonataType from '../packages/runtime/node_modules/jsonata';
import type * as undiciType from '../packages/runtime/node_modules/undici';

/**
 * The bench lives at the repo root, which has no dependencies of its own: load the baselines' libraries
 * exactly as the runtime package resolves them, so both sides of each pair use the same versions.
 */
const requireFromRuntime = createRequire(new URL('../packages/runtime/package.json', import.meta.url));
export const jsonata = requireFromRuntime('jsonata') as typeof jsonataType;
export const undici = requireFromRuntime('undici') as typeof undiciType;
