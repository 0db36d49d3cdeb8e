import type { Generated } from 'kysely';
/**
 * Table types for Kysely. Each module that owns tables adds its interface here and a migration in
 * migrations/. Timestamps are ISO-8601 strings (same in SQLite and PostgreSQL); JSON is stored as text.
 */
export interface SpliceSchema {
  insight_statistics: InsightStatisticsTable;
  insight_tag_snapshots: InsightTagSnapshotsTable;
  insight_tag_map: InsightTagMapTable;
  credentials: CredentialsTable;
  credential_versions: CredentialVersionsTable;
  credential_locks: CredentialLocksTable;
  credential_locations: CredentialLocationsTable;
  flows: FlowsTable;
  flow_revisions: FlowRevisionsTable;
  flow_tests: FlowTestsTable;
  environments: EnvironmentsTable;
  deployments: DeploymentsTable;
  schedule_ticks: ScheduleTicksTable;
  scheduler_locks: SchedulerLocksTable;
  admin_tokens: AdminTokensTable;
  events: EventsTable;
  runs: RunsTable;
  run_attempts: RunAttemptsTable;
  jobs: JobsTable;
  step_checkpoints: StepCheckpointsTable;
}

/** Plain metadata of a stored credential (never a secret). */
export interface CredentialsTable {
  id: string;
  name: string;
  kind: string;
  connector: string;
  /** `active` | `needs_reconnect` */
  status: string;
  status_reason: string | null;
  status_at: string | null;
  /** JSON array of granted scopes; null when the credential is not scoped. */
  scopes: string | null;
  /** JSON object of non-secret facts (locationId, companyId, clientId, tokenUrl, ...). */
  meta: string;
  active_version: number;
  expires_at: string | null;
  created_at: string;
  updated_at: string;
}

/** One encrypted secret version (AES-256-GCM; associated data = credential id + version). */
export interface CredentialVersionsTable {
  credential_id: string;
  version: number;
  key_id: string;
  iv: string;
  auth_tag: string;
  ciphertext: string;
  expires_at: string | null;
  /** `add` | `rotate` | `refresh` | `login` */
  origin: string;
  created_at: string;
  retired_at: string | null;
}

/** Cross-process lease taken while a credential's refresh token is being spent. */
export interface CredentialLocksTable {
  credential_id: string;
  owner: string;
  lease_until: string;
}

/**
 * A location a credential serves (agency installs, grouped private integration tokens), with its token
 * sealed (AES-256-GCM; associated data = credential id, location id, token version). Never a secret in clear.
 */
export interface CredentialLocationsTable {
  credential_id: string;
  location_id: string;
  name: string | null;
  address: string | null;
  /** `installed` | `uninstalled` */
  status: string;
  /** `installed-locations` | `webhook` | `added` */
  source: string;
  /** JSON array; null: the credential's scopes apply. */
  scopes: string | null;
  key_id: string | null;
  iv: string | null;
  auth_tag: string | null;
  ciphertext: string | null;
  token_version: number;
  expires_at: string | null;
  /** When the current token was obtained. */
  token_at: string | null;
  /** Why the last token exchange failed (no secret). */
  last_error: string | null;
  /** Timestamp of the last INSTALL/UNINSTALL webhook applied: older deliveries are ignored. */
  event_at: string | null;
  installed_at: string | null;
  updated_at: string;
}

/** A flow: its id is the YAML's metadata.name; the text lives in flow_revisions. */
export interface FlowsTable {
  id: string;
  /** 1 when webhook and schedule triggers take events. */
  active: number;
  head_revision: number;
  created_at: string;
  updated_at: string;
}

/** One saved text of a flow, verbatim (never re-serialised). */
export interface FlowRevisionsTable {
  flow_id: string;
  revision: number;
  yaml: string;
  author: string;
  message: string;
  rolled_back_from: number | null;
  created_at: string;
}

/** The flow's `<flow>.test.yaml` text, verbatim. */
export interface FlowTestsTable {
  flow_id: string;
  yaml: string;
  updated_at: string;
}

/** `staging` / `production`: JSON maps of base URLs, credential bindings and $env values. */
export interface EnvironmentsTable {
  name: string;
  base_urls: string;
  bindings: string;
  env_values: string;
  updated_at: string;
}

/** The revision of a flow deployed to an environment. */
export interface DeploymentsTable {
  flow_id: string;
  environment: string;
  revision: number;
  deployed_at: string;
  deployed_by: string;
}

/** Last schedule tick enqueued per flow, so a tick is never enqueued twice (also across restarts). */
export interface ScheduleTicksTable {
  flow_id: string;
  last_tick_at: string;
}

/** Lease rows: one scheduler across processes. */
export interface SchedulerLocksTable {
  name: string;
  owner: string;
  lease_until: string;
}

/** The REST API's admin token, stored as a SHA-256 hash. */
export interface AdminTokensTable {
  id: string;
  token_hash: string;
  created_at: string;
}

/** Insights (server/src/insights): one statistics row per location, platform, profile, post ('' = none) and UTC day. */
export interface InsightStatisticsTable {
  location_id: string;
  platform: string;
  profile_id: string;
  post_id: string;
  date: string;
  impressions: number | null;
  reach: number | null;
  engagement: number | null;
  clicks: number | null;
  likes: number | null;
  comments: number | null;
  shares: number | null;
  followers: number | null;
  posts: number | null;
  flow_id: string | null;
  run_id: string | null;
  recorded_at: string;
}

/** Insights: a location's tag list at one moment (JSON [{id, name, usage?}]) and its diff against the previous one. */
export interface InsightTagSnapshotsTable {
  id: string;
  location_id: string;
  seq: number;
  taken_at: string;
  tag_count: number;
  tags: string;
  diff: string;
  idempotency_key: string | null;
  /** 1 once the flow applied the diff (or for snapshots taken committed); diffs are taken against the last committed one. */
  committed: Generated<number>;
}

/** Insights: HighLevel tag id ↔ Payaca tag name, per location. */
export interface InsightTagMapTable {
  location_id: string;
  highlevel_tag_id: string;
  highlevel_name: string;
  payaca_name: string;
  updated_at: string;
}

/** A received event (webhook body verbatim, or a manual/schedule payload). Unique per flow by dedupe_key. */
export interface EventsTable {
  id: string;
  flow_id: string;
  /** `payaca` | `highlevel` | `generic` | `manual` | `schedule` */
  source: string;
  event_type: string | null;
  /** Delivery id / declared idempotency key; a repeat with the same key is not run twice. */
  dedupe_key: string | null;
  /** JSON object of non-secret request headers. */
  headers: string;
  /** Raw body text (JSON). */
  body: string;
  received_at: string;
}

/** One run of a flow for one event. `steps` is the latest attempt's StepRecord[] (redacted) as JSON. */
export interface RunsTable {
  id: string;
  flow_id: string;
  revision: number;
  environment: string | null;
  event_id: string;
  /** `webhook` | `schedule` | `manual` | `replay` */
  trigger: string;
  /** RunStatus: queued, running, succeeded, failed, filtered, dead */
  status: string;
  attempts: number;
  max_attempts: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  error_code: string | null;
  error_message: string | null;
  error_step: string | null;
  steps: string | null;
  /** The run this one replays. */
  replay_of: string | null;
  /** Why the run became a dead letter. */
  dead_reason: string | null;
  /** Set when a dead letter was discarded by a user. */
  discarded_at: string | null;
  /** The location the run's calls were for (HighLevel location id), for history per location. */
  location_id?: string | null;
}

/** Each attempt of a run (queue retries, and attempts cut short by a crash: status `interrupted`). */
export interface RunAttemptsTable {
  run_id: string;
  attempt: number;
  worker_id: string;
  /** running | succeeded | failed | filtered | interrupted */
  status: string;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  error_code: string | null;
  error_message: string | null;
  retryable: number | null;
  steps: string | null;
}

/** The durable queue: one row per run with work left. Rows leave when the run finishes (dead: stay). */
export interface JobsTable {
  run_id: string;
  flow_id: string;
  /** Scheduling key (e.g. a HighLevel location) a fair scheduler serves by; null: none. */
  key: string | null;
  /** queued | running | dead */
  status: string;
  /** Max running jobs of this flow at once. */
  concurrency: number;
  /** Attempts charged (a shutdown hand-back or a deferral gives its attempt back). */
  attempts: number;
  max_attempts: number;
  /** When the row next needs attention: queued, its due time; running, its lease expiry; dead, when it died. */
  available_at: string;
  lease_owner: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

/** Saved result of a finished step of a run: a retried attempt returns it instead of re-running the step. */
export interface StepCheckpointsTable {
  run_id: string;
  step_path: string;
  /** StepRecord JSON (redacted). */
  record: string;
  created_at: string;
}
