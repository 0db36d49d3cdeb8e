import { MappingError } from '../errors';
import { DEFAULT_MAPPING_LIMITS, type MappingLimits } from '../mapping/budget';
import type { CompiledExpression } from '../mapping/compile';
import { evaluateExpression, type InlineSlice, type MappingBindings } from '../mapping/evaluate';
import { NeedsIsolation } from '../mapping/needs-isolation';
import { MappingWorkerPool, type MappingWorkerPoolOptions } from './mapping-worker-pool';

/**
 * How the engine evaluates expressions in Node: no expression can block the process's thread for long,
 * exhaust its memory, or outlive its time limit.
 *  1. bare references (`$steps.a.b`) by property access (evaluate.ts);
 *  2. [seam for the JSONata→JS compiler: compiled code, bounded by construction, runs here inline and
 *     throws NeedsIsolation when it cannot finish within the slice];
 *  3. jsonata inline within a short slice of own time, with small sequence and built-in argument bounds
 *     (builtin-guards.ts): the common small mapping never leaves the thread;
 *  4. anything that reached a bound runs again in a worker thread (mapping-worker-pool.ts) with the
 *     remaining time, the full sequence limit and a heap limit, and is terminated if it overruns.
 * Measured on `pnpm bench`'s mapping row (see docs/mapping.md): steps 1-3 cost what the old inline path
 * cost; a worker round trip costs several times an inline evaluation, hence step 3.
 */
export interface MappingEvaluator {
  evaluate(compiled: CompiledExpression, input: unknown, bindings: MappingBindings, limits?: MappingLimits): Promise<unknown>;
  close(): Promise<void>;
}

/** 20 ms of own time inline; 1,000 items per sequence (jsonata's order-by sorts quadratically: ~10 ms at 1,000). */
export const INLINE_SLICE: InlineSlice = { sliceMs: 20, maxSequenceLength: 1_000 };

export interface MappingEvaluatorOptions extends MappingWorkerPoolOptions {
  inline?: InlineSlice;
  /** Default limits (default: mappingLimitsFromEnv()). */
  defaults?: MappingLimits;
}

function dropUndefined(limits: MappingLimits): MappingLimits {
  const out: MappingLimits = {};
  for (const [k, v] of Object.entries(limits)) if (v !== undefined) out[k as keyof MappingLimits] = v;
  return out;
}

/**
 * Process-wide defaults from the environment, so `splice serve` and `splice run` alike can raise them:
 * SPLICE_MAPPING_TIMEOUT_MS, SPLICE_MAPPING_MAX_SEQUENCE, SPLICE_MAPPING_MEMORY_MB, SPLICE_MAPPING_MAX_OUTPUT_BYTES.
 * Limits given per engine (e.g. `splice run --mapping-timeout`) win over these.
 */
export function mappingLimitsFromEnv(env: Record<string, string | undefined> = process.env): MappingLimits {
  const out: MappingLimits = {};
  const read = (name: string, key: keyof MappingLimits): void => {
    const raw = env[name];
    if (raw === undefined || raw === '') return;
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) {
      throw new MappingError('MAPPING_INVALID_LIMIT', `${name}=${raw} is not a positive whole number. Set it to e.g. ${DEFAULT_MAPPING_LIMITS[key]}, or unset it for the default.`);
    }
    out[key] = n;
  };
  read('SPLICE_MAPPING_TIMEOUT_MS', 'timeoutMs');
  read('SPLICE_MAPPING_MAX_SEQUENCE', 'maxSequenceLength');
  read('SPLICE_MAPPING_MEMORY_MB', 'maxMemoryMb');
  read('SPLICE_MAPPING_MAX_OUTPUT_BYTES', 'maxOutputBytes');
  return out;
}

export function createMappingEvaluator(opts: MappingEvaluatorOptions = {}): MappingEvaluator {
  const pool = new MappingWorkerPool(opts);
  const inline = opts.inline ?? INLINE_SLICE;
  const defaults = opts.defaults ?? mappingLimitsFromEnv();
  const withDefaults = (limits: MappingLimits | undefined): MappingLimits => (limits ? { ...defaults, ...dropUndefined(limits) } : defaults);
  return {
    async evaluate(compiled, input, bindings, given) {
      const limits = withDefaults(given);
      const started = performance.now();
      try {
        return await evaluateExpression(compiled, input, bindings, limits, { inline });
      } catch (err) {
        if (!(err instanceof NeedsIsolation)) throw err;
      }
      return pool.evaluate(compiled.source, input, bindings, limits, Math.min(performance.now() - started, inline.sliceMs));
    },
    close() {
      return pool.close();
    },
  };
}

let shared: MappingEvaluator | undefined;

/** The process's evaluator (one worker pool for every engine in the process). */
export function sharedMappingEvaluator(): MappingEvaluator {
  return (shared ??= createMappingEvaluator());
}
