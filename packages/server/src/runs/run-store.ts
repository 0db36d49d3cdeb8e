import type { RunRecord, RunStatus, StepRecord } from '@splice/runtime';
import type { DeadLetter, RunSummary } from '../api/contract';
import { BadRequestError, ConflictError, NotFoundError } from '../errors';
import type { FlowResolver } from '../intake/flow-resolver';
import type { JobQueue } from '../queue/job-queue';
import type { SpliceDb } from '../storage/database';
import type { SpliceSchema } from '../storage/schema';
import { statement, type SqlDatabase } from '../storage/sql';
import type { SelectQueryBuilder } from 'kysely';
import type { EventStore, SubmitResult } from './event-store';
import { toAttemptView, toDeadLetter, toRunSummary, type RunDetail } from './run-views';

export interface ListRunsFilter {
  /** Flow id (= metadata.name). */
  flow?: string;
  status?: RunStatus | RunStatus[];
  /** ISO time: runs created at or after. */
  since?: string;
  /** ISO time: runs created before. */
  until?: string;
  trigger?: string;
  /** HighLevel location id(s) the runs' calls were for. */
  location?: string | string[];
  /** Page size (default 50, max 500). */
  limit?: number;
  /** Opaque cursor from the previous page's `nextCursor`. */
  cursor?: string;
}

export interface RetentionPolicy {
  /** Finished runs older than this are deleted (0: keep). */
  maxAgeDays: number;
  /** Keep at most this many finished runs per flow (0: no limit). */
  keepLastPerFlow: number;
}

const FINISHED: RunStatus[] = ['succeeded', 'failed', 'filtered', 'dead'];

const deadRun = statement(`SELECT max_attempts FROM runs WHERE id = :runId AND status = 'dead' AND discarded_at IS NULL`);
// The dead attempt's steps live on the run row; the next attempt will overwrite them there, so its own
// attempt row keeps them from now on.
const keepLastAttemptSteps = statement(`
  UPDATE run_attempts SET steps = (SELECT steps FROM runs WHERE id = :runId)
  WHERE run_id = :runId AND steps IS NULL AND attempt = (SELECT max(attempt) FROM run_attempts WHERE run_id = :runId)`);
const requeueRun = statement(`UPDATE runs SET status = 'queued', dead_reason = NULL, finished_at = NULL WHERE id = :runId`);
const discardRun = statement(`
  UPDATE runs SET discarded_at = :now WHERE id = :runId AND status = 'dead' AND discarded_at IS NULL`);

/**
 * Run history: list/get for the API, replay (a new run of the same stored event, linked to the original),
 * dead letters (list, retry, discard) and the retention sweep. Workers write attempts through
 * worker/attempt-writer.ts in the same transaction as the queue update.
 */
export class RunStore {
  constructor(
    private readonly db: SpliceDb,
    private readonly sql: SqlDatabase,
    private readonly queue: JobQueue,
    private readonly events: EventStore,
    private readonly flows: () => FlowResolver,
  ) {}

  async list(filter: ListRunsFilter = {}): Promise<{ runs: RunSummary[]; nextCursor?: string }> {
    const limit = Math.min(Math.max(filter.limit ?? 50, 1), 500);
    let q = this.db.selectFrom('runs').selectAll();
    if (filter.flow) q = q.where('flow_id', '=', filter.flow);
    if (filter.status) q = q.where('status', 'in', Array.isArray(filter.status) ? filter.status : [filter.status]);
    if (filter.trigger) q = q.where('trigger', '=', filter.trigger);
    if (filter.location) q = q.where('location_id', 'in', Array.isArray(filter.location) ? filter.location : [filter.location]);
    if (filter.since) q = q.where('created_at', '>=', filter.since);
    if (filter.until) q = q.where('created_at', '<', filter.until);
    const { page, nextCursor } = await newestFirst(q, limit, filter.cursor);
    return { runs: page.map(toRunSummary), nextCursor };
  }

  async get(runId: string): Promise<RunDetail | undefined> {
    const r = await this.db.selectFrom('runs').selectAll().where('id', '=', runId).executeTakeFirst();
    if (!r) return undefined;
    const [attempts, ev, replays] = await Promise.all([
      this.db.selectFrom('run_attempts').selectAll().where('run_id', '=', runId).orderBy('attempt').execute(),
      this.events.get(r.event_id),
      this.db.selectFrom('runs').select('id').where('replay_of', '=', runId).orderBy('created_at').execute(),
    ]);
    const summary = toRunSummary(r);
    const steps: StepRecord[] = r.steps ? JSON.parse(r.steps) : [];
    // The failing expression's place (field + offset) is stored in its step's record; the run's error repeats it.
    const expression = summary.error?.step !== undefined ? steps.find((s) => s.id === summary.error?.step)?.error?.expression : undefined;
    const record: RunRecord = {
      runId: r.id,
      flow: r.flow_id,
      status: r.status as RunStatus,
      event: ev ? parseJson(ev.body) : undefined,
      startedAt: r.started_at ?? r.created_at,
      finishedAt: r.finished_at ?? undefined,
      durationMs: r.duration_ms ?? undefined,
      steps,
      error: summary.error && expression ? { ...summary.error, expression } : summary.error,
    };
    return {
      ...record,
      ...summary,
      error: record.error,
      eventId: r.event_id,
      source: ev?.source,
      eventType: ev?.eventType,
      replays: replays.map((x) => x.id),
      discardedAt: r.discarded_at ?? undefined,
      maxAttempts: r.max_attempts,
      // The last attempt's steps are stored once, on the run row (worker/attempt-writer.ts).
      attemptHistory: attempts.map((a, i) => toAttemptView(a, i === attempts.length - 1 ? r.steps : null)),
    };
  }

  /**
   * A new run of the same stored event, linked to the original (`replayOf`). Runs the flow's active
   * revision when there is one (the usual reason to replay is a fixed flow), else the original revision.
   */
  async replay(runId: string): Promise<{ runId: string; replayOf: string } & SubmitResult> {
    const r = await this.db.selectFrom('runs').selectAll().where('id', '=', runId).executeTakeFirst();
    if (!r) throw new NotFoundError('Run', runId);
    if (r.status === 'queued' || r.status === 'running') {
      throw new ConflictError('RUN_NOT_FINISHED', `Run "${runId}" is still ${r.status}; replay it once it has finished.`);
    }
    const env = r.environment ?? undefined;
    const flows = this.flows();
    const flow =
      (await flows.findActive(r.flow_id, { environment: env })) ??
      (await flows.getRevision({ flowId: r.flow_id, revision: r.revision, environment: env }));
    if (!flow)
      throw new ConflictError(
        'FLOW_UNAVAILABLE',
        `Flow "${r.flow_id}" revision ${r.revision} is not available to run; activate the flow and replay again.`,
      );
    const ev = await this.events.get(r.event_id);
    if (!ev) throw new NotFoundError('Event', r.event_id);
    const res = await this.events.submit({
      flow,
      source: ev.source,
      eventType: ev.eventType,
      body: ev.body,
      trigger: 'replay',
      eventId: ev.id,
      replayOf: runId,
    });
    return { ...res, replayOf: runId };
  }

  async listDeadLetters(
    filter: { flow?: string; limit?: number; cursor?: string } = {},
  ): Promise<{ deadLetters: DeadLetter[]; nextCursor?: string }> {
    const limit = Math.min(Math.max(filter.limit ?? 50, 1), 500);
    let q = this.db.selectFrom('runs').selectAll().where('status', '=', 'dead').where('discarded_at', 'is', null);
    if (filter.flow) q = q.where('flow_id', '=', filter.flow);
    const { page, nextCursor } = await newestFirst(q, limit, filter.cursor);
    return { deadLetters: page.map(toDeadLetter), nextCursor };
  }

  /** Queue a dead letter again as the SAME run with fresh attempts (finished steps stay checkpointed). */
  async retryDeadLetter(runId: string): Promise<RunSummary> {
    const revived = await this.sql.transaction(async (tx) => {
      const r = (await tx.run<{ max_attempts: number }>(deadRun, { runId })).rows[0];
      if (!r || !(await this.queue.revive(tx, runId, Number(r.max_attempts)))) return false;
      await tx.run(keepLastAttemptSteps, { runId });
      await tx.run(requeueRun, { runId });
      return true;
    });
    if (!revived) throw new NotFoundError('Dead letter', runId);
    this.queue.notify();
    const r = await this.db.selectFrom('runs').selectAll().where('id', '=', runId).executeTakeFirstOrThrow();
    return toRunSummary(r);
  }

  /** Remove a dead letter from the list (the run stays in history, marked discarded). */
  async discardDeadLetter(runId: string): Promise<void> {
    const done = await this.sql.transaction(async (tx) => {
      if ((await tx.run(discardRun, { runId, now: new Date().toISOString() })).changes !== 1) return false;
      await this.queue.remove(tx, runId);
      return true;
    });
    if (!done) throw new NotFoundError('Dead letter', runId);
  }

  /** Delete finished runs beyond the retention policy, with their attempts, checkpoints and orphaned events. */
  async sweep(policy: RetentionPolicy, now = new Date()): Promise<number> {
    const doomed = new Set<string>();
    if (policy.maxAgeDays > 0) {
      const cutoff = new Date(now.getTime() - policy.maxAgeDays * 86_400_000).toISOString();
      const old = await this.db.selectFrom('runs').select('id').where('status', 'in', FINISHED).where('created_at', '<', cutoff).execute();
      for (const r of old) doomed.add(r.id);
    }
    if (policy.keepLastPerFlow > 0) {
      const flows = await this.db.selectFrom('runs').select('flow_id').distinct().execute();
      for (const { flow_id } of flows) {
        const finished = await this.db
          .selectFrom('runs')
          .select('id')
          .where('flow_id', '=', flow_id)
          .where('status', 'in', FINISHED)
          .orderBy('created_at', 'desc')
          .execute();
        for (const r of finished.slice(policy.keepLastPerFlow)) doomed.add(r.id);
      }
    }
    const ids = [...doomed];
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      await this.db.transaction().execute(async (trx) => {
        await trx.deleteFrom('step_checkpoints').where('run_id', 'in', chunk).execute();
        await trx.deleteFrom('run_attempts').where('run_id', 'in', chunk).execute();
        await trx.deleteFrom('jobs').where('run_id', 'in', chunk).execute();
        await trx.deleteFrom('runs').where('id', 'in', chunk).execute();
        await trx
          .deleteFrom('events')
          .where((eb) => eb.not(eb.exists(eb.selectFrom('runs').select('runs.id').whereRef('runs.event_id', '=', 'events.id'))))
          .execute();
      });
    }
    return ids.length;
  }

  async countByStatus(flow?: string): Promise<Record<string, number>> {
    let q = this.db.selectFrom('runs').select(['status', (eb) => eb.fn.countAll<number>().as('n')]);
    if (flow) q = q.where('flow_id', '=', flow);
    const rows = await q.groupBy('status').execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }
}

function encodeCursor(at: string, id: string): string {
  return Buffer.from(JSON.stringify([at, id])).toString('base64url');
}
function decodeCursor(c: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(c, 'base64url').toString('utf8'));
    if (Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'string') return [v[0], v[1]];
  } catch {
    /* fall through */
  }
  throw new BadRequestError('BAD_CURSOR', `cursor "${c}" is not a cursor from a previous page; drop it to start from the newest.`);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Keyset paging over runs, newest first. The cursor is the last row's (created_at, id), so pages stay
 * stable while new runs arrive; one extra row tells whether another page exists.
 */
async function newestFirst<R extends { created_at: string; id: string }>(
  q: SelectQueryBuilder<SpliceSchema, 'runs', R>,
  limit: number,
  cursor: string | undefined,
): Promise<{ page: R[]; nextCursor?: string }> {
  if (cursor) {
    const [at, id] = decodeCursor(cursor);
    q = q.where((eb) => eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])]));
  }
  const rows = await q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { page, nextCursor: rows.length > limit && last ? encodeCursor(last.created_at, last.id) : undefined };
}
