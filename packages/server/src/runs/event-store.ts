import type { RunStatus } from '@splice/runtime';
import type { ActiveFlow } from '../intake/flow-resolver';
import type { ClaimedJob, JobQueue, Lease } from '../queue/job-queue';
import type { GroupCommit } from '../queue/group-commit';
import type { ServerMetrics } from '../metrics';
import { statement, type Sql, type SqlDatabase } from '../storage/sql';
import { timeOrderedId } from './time-ordered-id';

/**
 * The one durable entry point for work: an event row, its run and the queue job are written in ONE
 * transaction (the server's group commit, shared with other writes of the same moment), so an
 * acknowledged event always has a run a worker can find, and a failed write leaves nothing behind.
 * Webhook intake, manual/API triggers, schedules and replays all use it.
 *
 * When a worker of this process is idle, the job is inserted already claimed by it (the run `running`,
 * its first attempt open) and handed to it after the commit: no poll, no claim transaction, no read back.
 */
export type RunTrigger = 'webhook' | 'schedule' | 'manual' | 'replay';

export interface SubmitEventInput {
  flow: ActiveFlow;
  /** `payaca` | `highlevel` | `generic` | `manual` | `schedule` */
  source: string;
  eventType?: string;
  /** Delivery id or declared idempotency key: a repeat answers the first run and enqueues nothing. */
  dedupeKey?: string;
  /** Non-secret request headers (signature and auth headers are dropped before this point). */
  headers?: Record<string, string>;
  /** The event as JSON text (the raw webhook body). */
  body: string;
  /** `body` parsed, when the caller has it (the worker then does not parse it again). */
  event?: unknown;
  trigger: RunTrigger;
  /** Scheduling key of the run's job (see JobQueue's NewJob.key). */
  key?: string;
  /** Reuse a stored event (replays) instead of inserting one. */
  eventId?: string;
  replayOf?: string;
}

export interface SubmitResult {
  runId: string;
  eventId: string;
  status: RunStatus;
  /** True when the dedupe key was seen before: nothing new was stored. */
  duplicate: boolean;
}

/** A run this process queued (not handed to a worker): what a worker that claims it later need not read. */
export interface FreshRun {
  eventId: string;
  body: string;
  event?: unknown;
  flow: ActiveFlow;
}

/** A job inserted claimed by a reserved worker, with everything that worker needs to start. */
export interface HandedRun {
  job: ClaimedJob;
  fresh: FreshRun;
  /** ISO time the run (and its first attempt) started: the intake's commit. */
  startedAt: string;
}

/** What intake needs of this process's workers: an idle one to hand a new job to. */
export interface IdleWorkers {
  /** Reserve an idle worker for a job of this flow; undefined when none is idle (or queued work waits first). */
  reserve(flowId: string, concurrency: number): WorkerReservation | undefined;
}

export interface WorkerReservation {
  lease: Lease;
  /** After the commit: the job was inserted claimed by `lease`; run it. */
  start(run: HandedRun): void;
  /** The job was queued after all (its flow is at its limit in the database) or nothing was written. */
  cancel(): void;
}

/** Fresh runs kept for the workers (a backlog beyond this is read from the store as usual). */
const FRESH_LIMIT = 4000;

const insertEvent = statement(`
  INSERT INTO events (id, flow_id, source, event_type, dedupe_key, headers, body, received_at)
  VALUES (:id, :flowId, :source, :eventType, :dedupeKey, :headers, :body, :now)`);
const insertRun = statement(`
  INSERT INTO runs (id, flow_id, revision, environment, event_id, trigger, status, attempts, max_attempts, created_at, started_at, replay_of)
  VALUES (:id, :flowId, :revision, :environment, :eventId, :trigger, :status, :attempts, :maxAttempts, :now, :startedAt, :replayOf)`);
const insertAttempt = statement(`
  INSERT INTO run_attempts (run_id, attempt, worker_id, status, started_at) VALUES (:runId, 1, :owner, 'running', :now)`);
const eventByKey = statement(`SELECT id FROM events WHERE flow_id = :flowId AND dedupe_key = :key LIMIT 1`);
// The first run of this event (replays share the event but are not what the sender is asking about).
const firstRunOf = statement(`SELECT id, status FROM runs WHERE event_id = :eventId ORDER BY created_at LIMIT 1`);
const eventById = statement(`SELECT id, flow_id, source, event_type, dedupe_key, headers, body, received_at FROM events WHERE id = :id`);

export interface EventRow {
  id: string;
  flowId: string;
  source: string;
  eventType?: string;
  dedupeKey?: string;
  headers: Record<string, string>;
  body: string;
  receivedAt: string;
}

export interface EventStoreDeps {
  sql: SqlDatabase;
  queue: JobQueue;
  commits: GroupCommit;
  defaults: { maxAttempts: number; perFlowConcurrency: number };
  metrics?: ServerMetrics;
}

export class EventStore {
  private readonly fresh = new Map<string, FreshRun>();
  /** This process's workers, while they run (set by the worker pool). */
  workers?: IdleWorkers;

  constructor(private readonly deps: EventStoreDeps) {}

  async submit(input: SubmitEventInput): Promise<SubmitResult> {
    try {
      return await this.submitOnce(input);
    } catch (err) {
      // Another process stored the same delivery between our check and insert: answer as a duplicate.
      if (input.dedupeKey !== undefined && /UNIQUE|unique/.test(String((err as Error)?.message))) return this.submitOnce(input);
      throw err;
    }
  }

  private async submitOnce(input: SubmitEventInput): Promise<SubmitResult> {
    const { queue, defaults } = this.deps;
    const flow = input.flow;
    const flowId = flow.flowId;
    const concurrency = flow.flow.options?.concurrency ?? defaults.perFlowConcurrency;
    const maxAttempts = defaults.maxAttempts;
    const reservation = this.workers?.reserve(flowId, concurrency);
    let claimed: ClaimedJob | undefined;
    let startedAt = '';
    let result: SubmitResult;
    try {
      result = await this.deps.commits.run(async (tx) => {
        claimed = undefined;
        if (input.dedupeKey !== undefined) {
          const seen = await findDuplicate(tx, flowId, input.dedupeKey);
          if (seen) return seen;
        }
        const now = new Date().toISOString();
        const eventId = input.eventId ?? timeOrderedId();
        if (!input.eventId) {
          await tx.run(insertEvent, {
            id: eventId,
            flowId,
            source: input.source,
            eventType: input.eventType ?? null,
            dedupeKey: input.dedupeKey ?? null,
            headers: JSON.stringify(input.headers ?? {}),
            body: input.body,
            now,
          });
        }
        const runId = timeOrderedId();
        claimed = await queue.enqueue(tx, { runId, flowId, concurrency, maxAttempts, key: input.key }, reservation?.lease);
        await tx.run(insertRun, {
          id: runId,
          flowId,
          revision: flow.revision,
          environment: flow.environment ?? null,
          eventId,
          trigger: input.trigger,
          status: claimed ? 'running' : 'queued',
          attempts: claimed ? 1 : 0,
          maxAttempts,
          now,
          startedAt: claimed ? now : null,
          replayOf: input.replayOf ?? null,
        });
        if (claimed) await tx.run(insertAttempt, { runId, owner: claimed.owner, now });
        startedAt = now;
        return { runId, eventId, status: 'queued' as RunStatus, duplicate: false };
      });
    } catch (err) {
      reservation?.cancel();
      throw err;
    }
    const { metrics } = this.deps;
    if (!result.duplicate) {
      metrics?.runsByStatus.inc({ status: 'queued' });
      const fresh: FreshRun = { eventId: result.eventId, body: input.body, event: input.event, flow };
      if (claimed && reservation) {
        reservation.start({ job: claimed, fresh, startedAt });
      } else {
        reservation?.cancel();
        if (this.fresh.size >= FRESH_LIMIT) this.fresh.delete(this.fresh.keys().next().value as string);
        this.fresh.set(result.runId, fresh);
        queue.notify();
      }
    } else reservation?.cancel();
    // Webhooks are counted by intake (refusals too); other triggers here.
    if (input.trigger !== 'webhook')
      metrics?.eventsReceived.inc({ source: input.source, outcome: result.duplicate ? 'duplicate' : 'accepted' });
    return result;
  }

  /**
   * The facts of a run this process queued and no worker has started yet (taken once). A worker that
   * claims it on its first attempt skips reading the run and event rows back: they are exactly these.
   */
  takeFresh(runId: string): FreshRun | undefined {
    const f = this.fresh.get(runId);
    if (f) this.fresh.delete(runId);
    return f;
  }

  async get(eventId: string, tx: Sql = this.deps.sql): Promise<EventRow | undefined> {
    const r = (
      await tx.run<{
        id: string;
        flow_id: string;
        source: string;
        event_type: string | null;
        dedupe_key: string | null;
        headers: string;
        body: string;
        received_at: string;
      }>(eventById, { id: eventId })
    ).rows[0];
    if (!r) return undefined;
    return {
      id: r.id,
      flowId: r.flow_id,
      source: r.source,
      eventType: r.event_type ?? undefined,
      dedupeKey: r.dedupe_key ?? undefined,
      headers: JSON.parse(r.headers) as Record<string, string>,
      body: r.body,
      receivedAt: r.received_at,
    };
  }
}

async function findDuplicate(tx: Sql, flowId: string, key: string): Promise<SubmitResult | undefined> {
  const ev = (await tx.run<{ id: string }>(eventByKey, { flowId, key })).rows[0];
  if (!ev) return undefined;
  const run = (await tx.run<{ id: string; status: string }>(firstRunOf, { eventId: ev.id })).rows[0];
  return { runId: run?.id ?? '', eventId: ev.id, status: (run?.status ?? 'queued') as RunStatus, duplicate: true };
}
