import type { ActionRegistry, HttpSender, RateLimiter } from '../actions/action';
import type { CredentialResolver } from '../credentials';
import type { Flow, Step } from '../model/flow';
import type { MappingLimits } from '../mapping/budget';
import type { MappingEvaluator } from '../isolation/mapping-evaluator';
import type { Redactor } from '../redact';
import type { CheckpointStore, StepRecord } from './run-record';

/** Everything shared by all steps of one run. */
export interface RunState {
  runId: string;
  flow: Flow;
  event: unknown;
  env: Record<string, unknown>;
  dryRun: boolean;
  signal: AbortSignal;
  actions: ActionRegistry;
  credentials?: CredentialResolver;
  http: HttpSender;
  rateLimiter?: RateLimiter;
  baseUrls: Record<string, string>;
  limits?: MappingLimits;
  mapping: MappingEvaluator;
  strictResponses: boolean;
  checkpoints?: CheckpointStore;
  redactor: Redactor;
  records: StepRecord[];
  warn(obj: Record<string, unknown>, msg: string): void;
}

/** Where a sequence of steps runs: the outputs it can see and its foreach item, if any. */
export interface Scope {
  /** Outputs by step id visible here (`$steps`). */
  steps: Record<string, unknown>;
  item?: unknown;
  index?: number;
  /** Prefix of step paths: `` at top level, `each[3].` in a foreach item, `branch.then.` in an if. */
  prefix: string;
}

export interface SequenceResult {
  /** A filter stopped the sequence. */
  stopped: boolean;
  lastOutput: unknown;
}

export interface StepRunContext {
  run: RunState;
  scope: Scope;
  /** This step's path (record id, checkpoint key, idempotency key suffix). */
  path: string;
  record: StepRecord;
  /**
   * Evaluate a JSONata expression with this scope's bindings. `field` is where the step holds it
   * (`['condition']`): a failure is located there (error.expression, then file:line:col in the CLI).
   */
  evaluate(source: string, field: (string | number)[]): Promise<unknown>;
  /** Evaluate a `with` tree (strings starting with `=` are JSONata) held at `field` (`['with']`). */
  evaluateTemplate(value: unknown, field: (string | number)[]): Promise<unknown>;
  /** Run nested steps in `scope` (records, checkpoints and failures handled as for top-level steps). */
  runSequence(steps: Step[], scope: Scope): Promise<SequenceResult>;
}
