/**
 * The flow model: the TypeScript shape of `schemas/flow.schema.json` (splice/v1).
 * The JSON Schema is the single source for validation; these types mirror it for code.
 */
export type Duration = number | string;

export interface RetryPolicySpec {
  maxAttempts?: number;
  initialDelay?: Duration;
  maxDelay?: Duration;
  retryOn?: number[];
}

export interface WebhookTrigger {
  type: 'webhook';
  source: string; // 'payaca' | 'highlevel' | 'generic'
  events?: string[];
  secret?: string;
  idempotencyKey?: string;
  sample?: unknown;
}
export interface ScheduleTrigger {
  type: 'schedule';
  cron: string;
  timezone?: string;
  event?: unknown;
  /** Flow credential name: one run per location it serves at each tick, the event carrying `locationId`. */
  forEachLocation?: string;
  sample?: unknown;
}
export interface ManualTrigger {
  type: 'manual';
  input?: Record<string, unknown>;
  sample?: unknown;
}
export type Trigger = WebhookTrigger | ScheduleTrigger | ManualTrigger;

interface StepBase {
  id: string;
  name?: string;
}
export interface MapStep extends StepBase {
  type: 'map';
  expression: string;
  schema?: Record<string, unknown>;
}
export interface CallStep extends StepBase {
  type: 'call';
  uses: string;
  credential?: string;
  with?: Record<string, unknown>;
  paginate?: boolean;
  retry?: RetryPolicySpec;
  timeout?: Duration;
  when?: string;
}
export interface FilterStep extends StepBase {
  type: 'filter';
  condition: string;
}
export interface IfStep extends StepBase {
  type: 'if';
  condition: string;
  then: Step[];
  else?: Step[];
}
export interface ForeachStep extends StepBase {
  type: 'foreach';
  items: string;
  concurrency?: number;
  steps: Step[];
}
export type Step = MapStep | CallStep | FilterStep | IfStep | ForeachStep;
export type StepType = Step['type'];

export interface FlowCredentialRef {
  connector: string;
  description?: string;
}

export interface Flow {
  apiVersion: 'splice/v1';
  kind: 'Flow';
  metadata: { name: string; title?: string; description?: string; tags?: string[] };
  credentials?: Record<string, FlowCredentialRef>;
  env?: Record<string, string | number | boolean>;
  trigger: Trigger;
  steps: Step[];
  options?: { concurrency?: number; timeout?: Duration; strictResponses?: boolean };
}
