/**
 * The wire contract of Splice's REST API (mounted at /api). TYPES ONLY: the editor and scripts import
 * this file (`@splice/server/api/contract`); the router and the OpenAPI document (openapi.ts) follow it.
 *
 * Conventions
 * - Every route needs `Authorization: Bearer <admin token>`; without a valid token: 401 `UNAUTHORIZED`.
 * - Errors are always `ApiErrorBody` with a stable `code`; 4xx for user errors, 5xx only for faults.
 * - Timestamps are ISO-8601 strings. Flow ids are the flow's `metadata.name`.
 * - Flow YAML is stored and returned as text, byte for byte as it was saved (comments kept).
 */
import type { RunRecord, RunStatus, StepStatus } from '@splice/runtime/engine/run-record';
import type { ExpressionLocation } from '@splice/runtime/errors';

/** ExpressionLocation: a failing expression's step field and character offset (run records' `error.expression`). */
export type { ExpressionLocation, RunRecord, RunStatus, StepStatus };

// ---------------------------------------------------------------- errors

export interface ApiSourceLocation {
  file?: string;
  line: number; // 1-based
  col: number; // 1-based
}

/** One problem: a validation issue, a failed flow test, a bad request field. */
export interface ApiIssue {
  code: string;
  message: string;
  /** Field path, e.g. `steps[2].with.body.tagIds` or, for request bodies, `body.yaml`. */
  path?: string;
  location?: ApiSourceLocation;
  /** How to fix it, when the message does not already say so. */
  help?: string;
}

export interface ApiError extends ApiIssue {
  /** Further problems (validation errors, failing tests, payload field errors). */
  issues?: ApiIssue[];
  /** Machine-readable facts (never secrets), e.g. `{ failedTests: [...] }` for a refused promotion. */
  details?: Record<string, unknown>;
}

export interface ApiErrorBody {
  error: ApiError;
}

/**
 * Error codes the API answers (upper snake case, like every Splice error code) and their HTTP status.
 * The status is decided in one place: the server's error classes (packages/server/src/errors.ts).
 * UNAUTHORIZED 401 · NOT_FOUND 404 · FLOW_INACTIVE 409 · FLOW_NOT_DEPLOYED 409 · FLOW_EXISTS 409 · REVISION_CONFLICT 409 ·
 * BAD_REQUEST 400 · INVALID_JSON 400 · PAYLOAD_TOO_LARGE 413 · UNSUPPORTED_MEDIA_TYPE 415 ·
 * INVALID_FLOW 422 · INVALID_PAYLOAD 422 · PROMOTION_REFUSED 422 · INVALID_REQUEST 422 ·
 * UNAVAILABLE 503 · INTERNAL 500. Other stable codes may appear (e.g. from the credentials store).
 */
export type ApiErrorCode =
  | 'UNAUTHORIZED'
  | 'NOT_FOUND'
  | 'FLOW_INACTIVE'
  | 'FLOW_NOT_DEPLOYED'
  | 'FLOW_EXISTS'
  | 'REVISION_CONFLICT'
  | 'BAD_REQUEST'
  | 'INVALID_JSON'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'INVALID_FLOW'
  | 'INVALID_PAYLOAD'
  | 'PROMOTION_REFUSED'
  | 'INVALID_REQUEST'
  | 'UNAVAILABLE'
  | 'INTERNAL'
  | (string & {});

// ---------------------------------------------------------------- flows and revisions

export type EnvironmentName = 'staging' | 'production';
export type TriggerType = 'webhook' | 'schedule' | 'manual';

export interface ValidationResult {
  valid: boolean;
  errors: ApiIssue[];
  warnings: ApiIssue[];
}

export interface FlowSummary {
  id: string;
  title?: string;
  description?: string;
  /** Undefined when the head revision does not parse. */
  triggerType?: TriggerType;
  active: boolean;
  headRevision: number;
  /** Revision deployed per environment (absent: nothing deployed there). */
  deployed: Partial<Record<EnvironmentName, number>>;
  /** Whether the head revision validates. */
  valid: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface FlowDetail extends FlowSummary {
  /** The head revision's YAML text, verbatim. */
  yaml: string;
  validation: ValidationResult;
  /** Path of the webhook endpoint (`/hooks/<id>`) when the trigger is a webhook. */
  webhookPath?: string;
  /** Next scheduled tick (active schedule triggers only). */
  nextRunAt?: string;
  /** Whether a flow test file is stored for this flow. */
  hasTests: boolean;
  /** Who deployed which revision where, and when (one per environment that has a deployment). */
  deployments: Deployment[];
  /**
   * What the flow's triggers (webhooks, schedules, API runs without `environment`) run while it is active:
   * production's deployment when there is one, else staging's. Absent when nothing is deployed.
   */
  liveTarget?: { environment: EnvironmentName; revision: number };
}

export interface RevisionSummary {
  flowId: string;
  revision: number;
  author: string;
  message: string;
  createdAt: string;
  /** Set when this revision was made by a rollback. */
  rolledBackFrom?: number;
}
export interface Revision extends RevisionSummary {
  yaml: string;
}

/** POST /api/flows. `id` defaults to the YAML's `metadata.name`. Invalid flows may be saved (drafts); see `validation`. */
export interface CreateFlowRequest {
  yaml: string;
  id?: string;
  message?: string;
  author?: string;
}
/** PUT /api/flows/:id. `baseRevision` enables optimistic concurrency (409 `REVISION_CONFLICT` when stale). */
export interface UpdateFlowRequest {
  yaml: string;
  message?: string;
  author?: string;
  baseRevision?: number;
}
/** Answer of create/update/rollback/import: `created` is false when the text equals the head (no new revision). */
export interface SaveFlowResponse {
  flow: FlowDetail;
  revision: RevisionSummary;
  created: boolean;
}
/** GET /api/flows/:id, POST /api/flows/:id/activate, POST /api/flows/:id/deactivate. */
export interface FlowResponse {
  flow: FlowDetail;
}
export interface ListFlowsResponse {
  flows: FlowSummary[];
}
export interface ListRevisionsResponse {
  revisions: RevisionSummary[];
}
/** GET /api/flows/:id/diff?from=&to= (to defaults to head, from to to-1). */
export interface DiffResponse {
  flowId: string;
  from: number;
  to: number;
  /** Unified diff (git style, 3 lines of context). Empty string when the texts are equal. */
  diff: string;
}
/** POST /api/flows/:id/rollback: creates a NEW revision whose text is the old revision's text. */
export interface RollbackRequest {
  revision: number;
  message?: string;
  author?: string;
}
/** POST /api/validate (any text) and POST /api/flows/:id/validate (body optional: the head is validated). */
export interface ValidateRequest {
  yaml?: string;
  /** Also check credential bindings and scopes against this environment. */
  environment?: EnvironmentName;
}

// ---------------------------------------------------------------- runs and triggers

/** POST /api/flows/:id/test-runs: runs synchronously against the staging environment. */
export interface TestRunRequest {
  /** Defaults to the trigger's `sample`. */
  event?: unknown;
  /** Dry: call steps do not send; they record the request they would send. */
  dryRun?: boolean;
  /** Run unsaved text instead of a stored revision (the editor's "test this"). */
  yaml?: string;
  /** Defaults to the head revision. */
  revision?: number;
}
export type TestRunResponse = RunRecord;

/**
 * POST /api/flows/:id/runs: manual/API trigger. The payload is checked against `trigger.input` (422 with
 * field paths). It runs a DEPLOYED revision, never an unsaved or undeployed draft: the one deployed to
 * `environment`, or (no environment) the one the triggers run (`FlowDetail.liveTarget`).
 */
export interface TriggerRunRequest {
  payload?: unknown;
  /** A repeat with the same key answers the first run's id and enqueues nothing. */
  idempotencyKey?: string;
  /** Run the revision deployed to this environment (409 `FLOW_NOT_DEPLOYED` when none is). */
  environment?: EnvironmentName;
}
/** 202 Accepted: the run is committed to the durable queue. */
export interface TriggerRunResponse {
  runId: string;
  status: RunStatus;
  environment: EnvironmentName;
  /** The deployed revision this run executes. */
  revision: number;
  /** The flow's latest saved revision: when it is above `revision`, newer saves are not deployed there yet. */
  headRevision: number;
  duplicate?: boolean;
}

export interface RunSummary {
  runId: string;
  flow: string;
  status: RunStatus;
  trigger?: string;
  environment?: string;
  revision?: number;
  attempts?: number;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  createdAt?: string;
  error?: { code: string; message: string; step?: string };
  /** The HighLevel location the run's calls were for (filter with `?location=`). */
  locationId?: string;
}
/** GET /api/runs?flow=&status=&location=&limit=&cursor= */
export interface ListRunsResponse {
  runs: RunSummary[];
  nextCursor?: string;
}
/** GET /api/runs/:runId: the run store's record (redacted). */
export type RunDetailResponse = RunRecord & RunSummary & Record<string, unknown>;
/** POST /api/runs/:runId/replay and POST /api/dead-letters/:id/replay: 202. */
export interface ReplayResponse {
  runId: string;
  replayOf: string;
}
export interface DeadLetter {
  id: string;
  runId: string;
  flow: string;
  reason: string;
  attempts?: number;
  createdAt: string;
  [extra: string]: unknown;
}
export interface ListDeadLettersResponse {
  deadLetters: DeadLetter[];
}

// ---------------------------------------------------------------- flow tests and environments

export interface FlowTestFailure {
  /** What failed, e.g. `requests[0].body.tagIds` or `status`. */
  path: string;
  message: string;
  location?: ApiSourceLocation;
  /** Readable diff of expected vs actual. */
  diff?: string;
  /** The run's error behind an unexpected `status`: its step and, for a mapping error, the expression's place. */
  runError?: { code: string; message: string; step?: string; expression?: ExpressionLocation; location?: ApiSourceLocation };
}
export interface FlowTestCaseResult {
  name: string;
  passed: boolean;
  location?: ApiSourceLocation;
  failures: FlowTestFailure[];
  durationMs: number;
}
export interface FlowTestReport {
  file: string;
  passed: number;
  failed: number;
  cases: FlowTestCaseResult[];
  /** Problems reading the test file itself (counted as failures). */
  errors: ApiIssue[];
}
/** GET/PUT /api/flows/:id/tests: the flow's `<flow>.test.yaml` text, stored verbatim. */
export interface FlowTestsDocument {
  flowId: string;
  yaml: string;
  updatedAt: string;
}
export interface PutFlowTestsRequest {
  yaml: string;
}

export interface EnvironmentInfo {
  name: EnvironmentName;
  title: string;
  /** Connector id → base URL used by call steps in this environment. */
  baseUrls: Record<string, string>;
  /** Flow credential name → stored credential name. */
  bindings: Record<string, string>;
  /** Values readable as `$env.<name>`, overriding the flow's `env` defaults. */
  values: Record<string, string | number | boolean>;
  /** Flow id → deployed revision. */
  deployments: Record<string, number>;
}
export interface ListEnvironmentsResponse {
  environments: EnvironmentInfo[];
}
/** PATCH /api/environments/:name: given maps replace the stored ones entirely. */
export interface UpdateEnvironmentRequest {
  baseUrls?: Record<string, string>;
  bindings?: Record<string, string>;
  values?: Record<string, string | number | boolean>;
}
export interface Deployment {
  flowId: string;
  environment: EnvironmentName;
  revision: number;
  deployedAt: string;
  deployedBy: string;
}
/**
 * POST /api/flows/:id/deploy: deploy a saved revision (default head) to an environment (default staging).
 * Staging takes any revision that validates. Production goes through the promotion gate (as
 * POST /api/flows/:id/promote): refused with 422 `PROMOTION_REFUSED` and each failing flow test unless the
 * revision validates against production and its flow tests pass.
 */
export interface DeployRequest {
  revision?: number;
  environment?: EnvironmentName;
}
/**
 * POST /api/flows/:id/promote: promote a revision (default: the one deployed to staging, else head) to
 * production. Refused (422 `PROMOTION_REFUSED`) unless it validates against production (bindings and
 * scopes) and its flow tests pass; `details.failedTests` names each failing case and why.
 */
export interface PromoteRequest {
  revision?: number;
}
export interface PromoteResponse {
  deployment: Deployment;
  tests: FlowTestReport;
}
export interface DeployResponse {
  deployment: Deployment;
  /** The flow tests that passed the promotion gate (production only). */
  tests?: FlowTestReport;
}
export interface ListDeploymentsResponse {
  deployments: Deployment[];
}

// ---------------------------------------------------------------- credentials (metadata only)

export interface CredentialMetadata {
  name: string;
  connector: string;
  /** e.g. `oauth2`, `private-token`, `api-key`, `signing-secret`. */
  type: string;
  scopes?: string[];
  meta?: Record<string, string>;
  version?: number;
  /** `ok`, or `needs_reconnect` when a refresh failed. */
  status?: string;
  createdAt?: string;
  updatedAt?: string;
  [extra: string]: unknown;
}
/** POST /api/credentials. `secret` is write-only: never answered back. */
export interface CreateCredentialRequest {
  name: string;
  /** The credential kind (GET /api/credentials/kinds), e.g. `highlevel-pit`, `payaca-api-key`. */
  type: string;
  /** Defaults to the kind's connector. */
  connector?: string;
  /** Secret field values by name, or the kind's primary secret as a string. Write-only. */
  secret: Record<string, string> | string;
  scopes?: string[];
  meta?: Record<string, string>;
}
/** POST /api/credentials/:name/test: one harmless call with the credential against an environment's base URL. */
export interface TestCredentialRequest {
  /** Default staging (the sandbox). */
  environment?: EnvironmentName;
  /** Agency connections and token groups: test this location with its own token. */
  location?: string;
}
export interface TestCredentialResponse {
  ok: boolean;
  /** What was tried, e.g. `GET http://127.0.0.1:4010/highlevel/social-media-posting/loc_1/tags`. */
  target: string;
  status?: number;
  message: string;
}
/** GET /api/credentials/kinds: what each kind needs (the editor's credential form derives from it). */
export interface CredentialKindInfo {
  kind: string;
  connector: string;
  title: string;
  fields: Array<{ name: string; secret: boolean; required: boolean; description: string; default?: string }>;
  primarySecret: string;
  scoped: boolean;
  refreshable: boolean;
  /** Serves several locations with a token each: `agency` (from the company token) or `grouped` (one PIT per location). */
  locations?: 'agency' | 'grouped';
}
export interface ListCredentialKindsResponse {
  kinds: CredentialKindInfo[];
}
/** POST /api/credentials/oauth/highlevel/start: begin a HighLevel OAuth install; open `installUrl` in the browser. */
export interface StartOAuthRequest {
  name: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  /** Whose HighLevel (staging: the sandbox's consent page). Default staging. */
  environment?: EnvironmentName;
  redirectUri?: string;
  userType?: 'Location' | 'Company';
}
export interface StartOAuthResponse {
  installUrl: string;
  state: string;
  redirectUri: string;
}
/** PATCH /api/credentials/:name: a new `secret` rotates (version + 1). */
export interface UpdateCredentialRequest {
  secret?: Record<string, string> | string;
  scopes?: string[];
  meta?: Record<string, string>;
}
export interface ListCredentialsResponse {
  credentials: CredentialMetadata[];
}
/** One location a multi-location credential (agency connection, grouped PITs) serves. Never a token. */
export interface CredentialLocation {
  id: string;
  name?: string;
  address?: string;
  status: 'installed' | 'uninstalled';
  /**
   * The location's token: `none` (an agency obtains it at the first call), `valid`, `expired` (obtained
   * again at the next call), `stored` (a private integration token, no expiry).
   */
  token: 'none' | 'valid' | 'expired' | 'stored';
  tokenExpiresAt?: string;
  tokenObtainedAt?: string;
  scopes?: string[];
  installedAt?: string;
  /** Why the last token exchange failed. */
  lastError?: string;
  /** Where Splice learnt of it: `installed-locations`, `webhook` or `added`. */
  source: string;
}
/** GET /api/credentials/:name/locations */
export interface ListCredentialLocationsResponse {
  credential: string;
  kind: string;
  locations: CredentialLocation[];
}
/** POST /api/credentials/:name/locations/sync: re-read /oauth/installedLocations (agency connections). */
export interface SyncCredentialLocationsResponse extends ListCredentialLocationsResponse {
  added: string[];
  removed: string[];
}
/** PUT /api/credentials/:name/locations/:locationId: a location's private integration token (grouped PITs). Write-only. */
export interface PutCredentialLocationRequest {
  token: string;
  name?: string;
  scopes?: string[];
}
/** GET /api/locations: every location a credential serves, by name (run history and dashboards filter by these). */
export interface LocationDirectoryEntry {
  id: string;
  name?: string;
  /** Credentials that serve it. */
  credentials: string[];
  installed: boolean;
}
export interface ListLocationsResponse {
  locations: LocationDirectoryEntry[];
}

// ---------------------------------------------------------------- catalog and templates

export interface CatalogOperation {
  id: string;
  /** Other ids that name the same operation (accepted in `uses`). */
  aliases?: string[];
  apiVersion?: string;
  tags?: string[];
  title: string;
  description?: string;
  method?: string;
  path?: string;
  scope?: string;
  paginated?: boolean;
  inputSchema?: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
}
export interface CatalogTrigger {
  /** e.g. `highlevel.ContactTagUpdate`, `schedule`, `manual`. */
  id: string;
  type: TriggerType;
  source?: string;
  /** The event name to put in `trigger.events`. */
  event?: string;
  title: string;
  description?: string;
  payloadSchema?: Record<string, unknown>;
  sample?: unknown;
  /** The event name or payload is our model, not confirmed by a public source. */
  assumed?: boolean;
}
export interface CatalogConnector {
  id: string;
  title: string;
  description?: string;
  /** Base URL per environment. */
  baseUrls?: Partial<Record<EnvironmentName, string>>;
  operations: CatalogOperation[];
  triggers: CatalogTrigger[];
  scopes: string[];
}
export interface CatalogResponse {
  connectors: CatalogConnector[];
}

export interface TemplateSummary {
  id: string;
  title: string;
  description: string;
  /** OAuth scopes the template's operations need. */
  scopes: string[];
  connectors: string[];
  triggerType?: TriggerType;
  hasTests: boolean;
}
export interface TemplateDetail extends TemplateSummary {
  yaml: string;
  testsYaml?: string;
}
export interface ListTemplatesResponse {
  templates: TemplateSummary[];
}
/** POST /api/templates/:id/import → 201 SaveFlowResponse. `flowId` defaults to the template's metadata.name (409 if taken). */
export interface ImportTemplateRequest {
  flowId?: string;
}

// ---------------------------------------------------------------- schedules

export interface ScheduleInfo {
  flowId: string;
  cron: string;
  timezone: string;
  nextRunAt?: string;
  lastTickAt?: string;
}
export interface ListSchedulesResponse {
  schedules: ScheduleInfo[];
}

// ---------------------------------------------------------------- insights (statistics dashboard, tag trends)
// Owned by packages/server/src/insights. Dates are UTC days `YYYY-MM-DD`; list filters take comma-separated values.

export type InsightsMetric = 'impressions' | 'reach' | 'engagement' | 'clicks' | 'likes' | 'comments' | 'shares' | 'followers' | 'posts';
export type InsightsGroupBy = 'platform' | 'location' | 'profile' | 'total';
export type InsightsFigures = Record<InsightsMetric, number>;

/** GET /api/insights/statistics?location=&platform=&from=&to=&groupBy= (groupBy defaults to `platform`). */
export interface InsightsStatisticsQuery {
  location?: string;
  platform?: string;
  from?: string;
  to?: string;
  groupBy?: InsightsGroupBy;
}
export interface InsightsStatisticsPoint extends InsightsFigures {
  date: string;
}
export interface InsightsStatisticsSeries {
  /** The platform, location id, `platform:profileId`, or `total`. */
  key: string;
  /** One point per date of `dates` (days with no row are zero). */
  points: InsightsStatisticsPoint[];
  totals: InsightsFigures;
}
export interface InsightsFacets {
  locations: string[];
  platforms: string[];
  firstDate?: string;
  lastDate?: string;
  rows: number;
}
export interface InsightsStatisticsResponse {
  groupBy: InsightsGroupBy;
  dates: string[];
  series: InsightsStatisticsSeries[];
  totals: InsightsFigures;
  /** Every location and platform recorded, for the filters (independent of the query). */
  facets: InsightsFacets;
}
/** GET /api/insights/statistics.csv?location=&platform=&from=&to=: `text/csv`, one line per stored row. */

/** GET /api/insights/tags/trends?location=&from=&to=&top= (top defaults to 5). */
export interface InsightsTagTrendsResponse {
  dates: string[];
  /** Per location and day (the day's last snapshot): number of tags and summed usage. */
  locations: Array<{ locationId: string; points: Array<{ date: string; tagCount: number; usage: number }> }>;
  /** Daily usage series of the top rising tags. */
  tags: Array<{ locationId: string; id: string; name: string; points: Array<{ date: string; value: number }> }>;
  rising: Array<{ locationId: string; id: string; name: string; first: number; last: number; delta: number; perDay: number; growth: number | null }>;
  snapshots: number;
  /** Locations that have snapshots, for the filter. */
  allLocations: string[];
}
export interface InsightsTagSnapshot {
  snapshotId: string;
  locationId: string;
  seq: number;
  takenAt: string;
  tagCount: number;
  diff: {
    added: Array<{ id: string; name: string; usage?: number }>;
    renamed: Array<{ id: string; from: string; to: string }>;
    removed: Array<{ id: string; name: string; usage?: number }>;
  };
}
/** GET /api/insights/tags/snapshots?location=&limit=&changed=true (newest first, default 50; `changed=true`: only snapshots that found a change). */
export interface InsightsTagSnapshotsResponse {
  snapshots: InsightsTagSnapshot[];
}
export interface InsightsTagMapEntry {
  locationId: string;
  highlevelTagId: string;
  highlevelName: string;
  payacaName: string;
  updatedAt?: string;
}
/** GET /api/insights/tag-map?location= */
export interface InsightsTagMapResponse {
  entries: InsightsTagMapEntry[];
}
/** PUT /api/insights/tag-map: upsert entries and delete the `remove` ids of one location. */
export interface InsightsPutTagMapRequest {
  locationId: string;
  entries?: Array<{ highlevelTagId: string; highlevelName: string; payacaName: string }>;
  remove?: string[];
}
export interface InsightsPutTagMapResponse {
  changed: number;
  unchanged: number;
  removed: number;
}
