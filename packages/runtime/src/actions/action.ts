import type { CredentialResolver, ResolvedCredential } from '../credentials';
import type { RecordedRequest, RecordedResponse } from '../engine/run-record';

/**
 * An action is what a `call` step runs: `http`, or a catalog operation. Each is declared once with
 * `defineAction`; validation, the editor's forms, `splice catalog` output and docs derive from it.
 */
/** An HTTP request an action wants sent. Auth from the bound credential is added by the sender. */
export interface OutboundRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  query?: Record<string, string | number | boolean | Array<string | number | boolean> | undefined>;
  body?: unknown;
  /** Per-request timeout in ms (default from the step's `timeout`). */
  timeoutMs?: number;
  /** Pacing key, e.g. `highlevel:loc_123`: calls with the same key share one rate limit. */
  rateLimitKey?: string;
}

export interface InboundResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the answer is JSON, else text. */
  body: unknown;
}

/**
 * Sends requests for actions: undici pools, timeouts, the credential's auth, one refresh-and-retry on 401,
 * pacing through the RateLimiter, recording (redacted) into the run record, and dry-run short-circuit.
 * It does NOT retry on 5xx/429: it throws an ActionError with `retryable` and `details.retryAfterMs`,
 * and the engine's per-step retry policy decides.
 */
export interface HttpSender {
  send(req: OutboundRequest, ctx: ActionContext): Promise<InboundResponse>;
}

/** Process-wide pacing shared by every flow (implementation: runtime/src/ratelimit). */
export interface RateLimiter {
  /** Wait until a call under `key` may be sent. */
  acquire(key: string, signal?: AbortSignal): Promise<void>;
  /** Learn from the answer: `X-RateLimit-*` headers, and 429 with Retry-After. */
  observe(key: string, status: number, headers: Record<string, string>): void;
  /**
   * The call acquired under `key` got no answer (network error, timeout, abort). Senders call this so
   * the call stops counting as in flight; it still counts for one window, as it may have reached the API.
   */
  release?(key: string): void;
}

export interface ActionContext {
  /**
   * Path of the call step being run, as in StepRecord.id (`postTag`, `each[3].postTag`, `branch.then.x`).
   * Senders use it to attribute requests to steps (flow tests answer canned responses per step id).
   */
  stepId: string;
  /** Resolved credential (when the step names one). */
  credential?: ResolvedCredential;
  /**
   * The run's credential resolver (senders ask it to refresh a credential answered 401). Per run, so one
   * sender and its connection pool serve runs of any environment.
   */
  credentials?: CredentialResolver;
  /** Stable per run+step+item: sent as `Idempotency-Key` so a retried run does not duplicate effects. */
  idempotencyKey: string;
  signal: AbortSignal;
  dryRun: boolean;
  http: HttpSender;
  /** Attempt number of this step (1-based). */
  attempt: number;
  /** Base URLs per connector for the current environment (production or sandbox). */
  baseUrls: Record<string, string>;
  strictResponses: boolean;
  /** The step's `paginate: true`: list operations fetch every page and return the collected items. */
  paginate?: boolean;
  /** The step's `timeout` in ms: the default per-request timeout when OutboundRequest.timeoutMs is unset. */
  timeoutMs?: number;
  /** Hooks the engine uses to record each HTTP exchange (redaction happens in the engine). */
  recordRequest(req: RecordedRequest): void;
  recordResponse(res: RecordedResponse): void;
  warn(message: string): void;
}

export interface ActionDefinition<I = Record<string, unknown>, O = unknown> {
  /** Stable id, e.g. `http` or `highlevel.v2.get-tags-location-id`. */
  id: string;
  connector: string;
  title: string;
  description?: string;
  /** OAuth scope needed (catalog operations). */
  scope?: string;
  /** JSON Schema of the step's `with` after expressions are evaluated. */
  inputSchema?: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  /** Whether `paginate: true` is meaningful. */
  paginated?: boolean;
  /**
   * The action checks its input against `inputSchema` itself, with type coercion for parameters and
   * errors naming the field (`body.profileIds: ...`, code REQUEST_INVALID): the engine skips its generic check.
   */
  validatesInput?: boolean;
  /**
   * The resource a call is for, read from its evaluated input (HighLevel: the `locationId` parameter).
   * The engine passes it to the credential resolver, so one credential can serve every location: the
   * location is data in the call, not a binding per location.
   */
  resourceOf?(input: I): string | undefined;
  run(input: I, ctx: ActionContext): Promise<O>;
}

export function defineAction<I = Record<string, unknown>, O = unknown>(def: ActionDefinition<I, O>): ActionDefinition<I, O> {
  return def;
}

/** The set of actions an engine can call. Connectors register theirs; the runtime registers `http`. */
export class ActionRegistry {
  private readonly actions = new Map<string, ActionDefinition<any, any>>();
  register(...defs: ActionDefinition<any, any>[]): this {
    for (const d of defs) this.actions.set(d.id, d);
    return this;
  }
  get(id: string): ActionDefinition<any, any> | undefined {
    return this.actions.get(id);
  }
  has(id: string): boolean {
    return this.actions.has(id);
  }
  list(): ActionDefinition<any, any>[] {
    return [...this.actions.values()];
  }
}
