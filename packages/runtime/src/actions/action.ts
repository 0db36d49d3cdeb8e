import type { ResolvedCredential } from '../credentials';
import type { RecordedRequest, RecordedResponse } from '../engine/run-record';

/**
 * An action is what a `call` step runs: `http`, or a catalog operation. Each is declared once with
 * `defineAction`; validation, the editor's forms, `splice catalog` output and docs derive from it.
 */
export interface ActionContext {
  /** Resolved credential (when the step names one). */
  credential?: ResolvedCredential;
  /** Stable per run+step+item: sent as `Idempotency-Key` so a retried run does not duplicate effects. */
  idempotencyKey: string;
  signal: AbortSignal;
  dryRun: boolean;
  /** Base URLs per connector for the current environment (production or sandbox). */
  baseUrls: Record<string, string>;
  strictResponses: boolean;
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
