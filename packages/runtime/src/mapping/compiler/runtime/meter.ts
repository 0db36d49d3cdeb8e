/**
 * The budget of the compiled evaluation that is running. Compiled code is synchronous, so at most one
 * compiled evaluation runs at a time on a thread and one module-level meter serves them all: `runProgram`
 * sets it on entry. Every loop iteration and every element a built-in walks charges `n`; every CHECK_EVERY
 * charges the clock is read. Past the inline slice (or the deadline) the evaluation stops with a Bail and
 * the interpreter takes over with the remaining budget, so no compiled loop holds the thread for long.
 */
export const CHECK_EVERY = 1024;

export interface Meter {
  /** Charges left before the next clock read. */
  n: number;
  /** Charges since the evaluation started (counted at each clock read). */
  work: number;
  /** performance.now() instant past which compiled code hands over, once it has done some work. */
  stopAt: number;
  /** performance.now() instant past which it hands over in any case. */
  deadline: number;
  /** Upper bound of jsonata's evaluator depth for the work in progress (see analyze.ts staticDepth). */
  depth: number;
  maxDepth: number;
  /** Longest array compiled code may build: past it, the interpreter decides (its own sequence limit). */
  maxSequence: number;
  /** The evaluation's timestamp for $now() and $millis() (jsonata takes one per evaluation). */
  timestamp: number;
  /** Running where it may hold the thread (a worker thread that is terminated if it overruns). */
  isolated: boolean;
}

export const meter: Meter = {
  n: CHECK_EVERY,
  work: 0,
  stopAt: 0,
  deadline: 0,
  depth: 0,
  maxDepth: 0,
  maxSequence: 0,
  timestamp: 0,
  isolated: false,
};

/**
 * Work units (array items, or 16 characters) one built-in call may take on a thread that must stay
 * responsive, as mapping/builtin-guards.ts bounds the interpreter's calls: a single native call cannot be
 * interrupted, and some allocate in proportion (`$length` of a 500-million-character string allocates an
 * array of 500 million characters). Past it, the interpreter path takes the call to a worker thread.
 */
export const INLINE_WORK = 10_000;

export function inlineWork(args: unknown[], extra = 0): void {
  if (meter.isolated) return;
  let total = extra;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (typeof a === 'string') total += a.length >> 4;
    else if (Array.isArray(a)) total += a.length;
  }
  if (total > INLINE_WORK) throw BAIL_LARGE;
}

/** Why compiled code handed an evaluation to the interpreter (counted for tests, the bench and --explain). */
export class Bail {
  constructor(readonly reason: string) {}
}

export const BAIL_SLICE = new Bail('time slice used up');
export const BAIL_DEPTH = new Bail('recursion deeper than the compiled depth bound');
export const BAIL_SEQUENCE = new Bail('sequence longer than the sequence limit');
/** jsonata would raise an error here: the interpreter re-runs the expression so the error is jsonata's own. */
export const BAIL_ERROR = new Bail('error condition');
export const BAIL_UNSUPPORTED = new Bail('value outside the compiled subset');
export const BAIL_LARGE = new Bail('a built-in call on a large input (runs isolated)');

/**
 * Past the slice, a run hands over only once it has also done SLICE_WORK charges: on a loaded machine the
 * thread is often descheduled for longer than a slice, and a short mapping that merely waited for the CPU
 * is not a runaway (compiled code does a charge in well under a microsecond, so that is a few ms of work).
 */
const SLICE_WORK = 64 * CHECK_EVERY;

export function tick(): void {
  meter.work += CHECK_EVERY - meter.n;
  meter.n = CHECK_EVERY;
  const now = performance.now();
  if ((now > meter.stopAt && meter.work > SLICE_WORK) || now > meter.deadline) throw BAIL_SLICE;
}

/** Charges `units` of work (elements walked or allocated) at once. */
export function charge(units: number): void {
  meter.n -= units;
  if (meter.n < 0) tick();
}

export function checkLength(length: number): void {
  if (length > meter.maxSequence) throw BAIL_SEQUENCE;
}

export function fail(): never {
  throw BAIL_ERROR;
}

export function unsupported(): never {
  throw BAIL_UNSUPPORTED;
}

/** The evaluation's timestamp: taken at its first use, then the same for the rest of the evaluation. */
export function timestamp(): number {
  if (meter.timestamp === 0) meter.timestamp = Date.now();
  return meter.timestamp;
}
