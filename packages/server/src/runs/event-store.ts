import type { RunStatus } from '@splice/runtime';
import type { ActiveFlow } from '../intake/flow-resolver';
import type { JobQueue } from '../queue/job-queue';
import { GroupCommit } from '../queue/group-commit';
import { PreparedQuery } from '../queue/prepared-query';
import { timeOrderedId } from './time-ordered-id';
import type { ServerMetrics } from '../metrics';
import type { SpliceDb } from '../storage/database';

/**
 * The one durable entry point for work: an event row, its run (status `queued`) and the queue job are
 * written in ONE transaction, so an acknowledged event always has a run a worker can find, and a failed
 * write leaves nothing behind. Webhook intake, manual/API triggers, schedules and replays all use it.
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
  trigger: RunTrigger;
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

/** What a worker of this process needs to start a run it has just seen queued, without reading it back. */
export interface FreshRun {
  eventId: string;
  body: string;
  revision: number;
  environment?: string;
}

/** Fresh runs kept for the workers (a backlog beyond this is read from the store as usual). */
const FRESH_LIMIT = 2000;

export class EventStore {
  /** The server's shared group commit: intake, claims and run outcomes of one moment share one commit. */
  readonly commits: GroupCommit;
  private readonly fresh = new Map<string, FreshRun>();

  /** The statements every event runs, compiled once (see queue/prepared-query.ts). */
  private readonly insertEvent = new PreparedQuery<{
    id: string;
    flowId: string;
    source: string;
    eventType: string | null;
    dedupeKey: string | null;
    headers: string;
    body: string;
    now: string;
  }>((db, p) =>
    db.insertInto('events').values({
      id: p('id'),
      flow_id: p('flowId'),
      source: p('source'),
      event_type: p('eventType'),
      dedupe_key: p('dedupeKey'),
      headers: p('headers'),
      body: p('body'),
      received_at: p('now'),
    }),
  );

  private readonly insertRun = new PreparedQuery<{
    id: string;
    flowId: string;
    revision: number;
    environment: string | null;
    eventId: string;
    trigger: string;
    maxAttempts: number;
    now: string;
    replayOf: string | null;
  }>((db, p) =>
    db.insertInto('runs').values({
      id: p('id'),
      flow_id: p('flowId'),
      revision: p('revision'),
      environment: p('environment'),
      event_id: p('eventId'),
      trigger: p('trigger'),
      status: 'queued',
      attempts: 0,
      max_attempts: p('maxAttempts'),
      created_at: p('now'),
      started_at: null,
      finished_at: null,
      duration_ms: null,
      error_code: null,
      error_message: null,
      error_step: null,
      steps: null,
      replay_of: p('replayOf'),
      dead_reason: null,
      discarded_at: null,
    }),
  );

  private readonly eventByKey = new PreparedQuery<{ flowId: string; key: string }>((db, p) =>
    db.selectFrom('events').select('id').where('flow_id', '=', p('flowId')).where('dedupe_key', '=', p('key')).limit(1),
  );

  constructor(
    private readonly db: SpliceDb,
    private readonly queue: JobQueue,
    private readonly defaults: { maxAttempts: number; perFlowConcurrency: number },
    private readonly metrics?: ServerMetrics,
  ) {
    this.commits = new GroupCommit(db);
  }

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
    const flowId = input.flow.flowId;
    const result = await this.commits.run(async (trx) => {
      if (input.dedupeKey !== undefined) {
        const seen = await this.findDuplicate(trx, flowId, input.dedupeKey);
        if (seen) return seen;
      }
      const now = new Date().toISOString();
      const eventId = input.eventId ?? timeOrderedId();
      if (!input.eventId) {
        await this.insertEvent.execute(trx, {
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
      const maxAttempts = this.defaults.maxAttempts;
      await this.insertRun.execute(trx, {
        id: runId,
        flowId,
        revision: input.flow.revision,
        environment: input.flow.environment ?? null,
        eventId,
        trigger: input.trigger,
        maxAttempts,
        now,
        replayOf: input.replayOf ?? null,
      });
      const concurrency = input.flow.flow.options?.concurrency ?? this.defaults.perFlowConcurrency;
      await this.queue.enqueue(trx, { runId, flowId, concurrency, maxAttempts });
      return { runId, eventId, status: 'queued' as RunStatus, duplicate: false };
    });
    if (!result.duplicate) {
      if (this.fresh.size >= FRESH_LIMIT) this.fresh.delete(this.fresh.keys().next().value as string);
      this.fresh.set(result.runId, {
        eventId: result.eventId,
        body: input.body,
        revision: input.flow.revision,
        environment: input.flow.environment,
      });
      this.queue.notify();
      this.metrics?.runsByStatus.inc({ status: 'queued' });
    }
    // Webhooks are counted by intake (refusals too); other triggers here.
    if (input.trigger !== 'webhook')
      this.metrics?.eventsReceived.inc({ source: input.source, outcome: result.duplicate ? 'duplicate' : 'accepted' });
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

  async get(eventId: string): Promise<EventRow | undefined> {
    const r = await this.db.selectFrom('events').selectAll().where('id', '=', eventId).executeTakeFirst();
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

  private async findDuplicate(db: SpliceDb, flowId: string, key: string): Promise<SubmitResult | undefined> {
    const ev = (await this.eventByKey.execute<{ id: string }>(db, { flowId, key })).rows[0];
    if (!ev) return undefined;
    // The first run of this event (replays share the event but are not what the sender is asking about).
    const run = await db
      .selectFrom('runs')
      .select(['id', 'status'])
      .where('event_id', '=', ev.id)
      .orderBy('created_at')
      .limit(1)
      .executeTakeFirst();
    return { runId: run?.id ?? '', eventId: ev.id, status: (run?.status ?? 'queued') as RunStatus, duplicate: true };
  }
}
