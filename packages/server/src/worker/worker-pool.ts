import type { ServerContext } from '../context';
import type { Lease } from '../queue/job-queue';
import { acquireLeaseOwner, type LeaseOwner } from '../queue/lease-owner';
import type { HandedRun, IdleWorkers, WorkerReservation } from '../runs/event-store';
import { AttemptWriter, type ClaimedRun } from './attempt-writer';
import { runJob, type RunJobDeps, type RunJobHandle } from './run-job';

/**
 * This process's workers: `count` slots, each running one job at a time.
 *
 * How a committed job reaches a worker:
 * - intake reserves an idle slot before its transaction and inserts the job already claimed by this
 *   process (claim-on-insert); after the commit the slot starts it with the facts intake has in hand;
 * - a slot that finishes a run while work is queued claims its next job in the same transaction as the
 *   outcome (one commit per run, shared through the group commit);
 * - idle slots claim queued work in one transaction when it appears (`pump`): jobs intake could not hand
 *   over, retries coming due, work from other processes, and leases expired by crashed workers (polled
 *   every `pollMs`, since another process's commit does not wake this one).
 * While anything is queued, intake does not hand new jobs over, so queued work goes first.
 *
 * Leases are extended for the whole process by one statement every `heartbeatMs`; a run whose lease
 * another worker took meanwhile is aborted. At start, the leases of this node's dead predecessor are
 * expired at once (lease-owner.ts), so a restart after `kill -9` resumes its runs without waiting.
 */
export class WorkerPool implements IdleWorkers {
  readonly identity: LeaseOwner;
  private readonly lease: Lease;
  private readonly writer: AttemptWriter;
  private readonly deps: RunJobDeps;
  private stopping = false;
  private started = false;
  private free: number;
  /** Reserved or running jobs per flow (this process's share of each flow's limit). */
  private readonly perFlow = new Map<string, number>();
  private readonly inFlight = new Map<string, RunJobHandle>();
  private readonly slots = new Set<Promise<void>>();
  /** Queued work may be waiting: claim it before taking new jobs from intake. */
  private backlog = true;
  private pumping = false;
  private timers: NodeJS.Timeout[] = [];
  private unsubscribe?: () => void;
  private ownsIdentity = false;

  constructor(
    private readonly ctx: ServerContext,
    private readonly count = ctx.config.workers.count,
    identity?: LeaseOwner,
  ) {
    this.ownsIdentity = !identity;
    this.identity = identity ?? acquireLeaseOwner(count > 0 ? ctx.config.dataDir : undefined);
    this.lease = { owner: this.identity.owner, leaseMs: ctx.config.queue.leaseMs };
    this.free = count;
    this.writer = new AttemptWriter(ctx.queue, (runId) => ctx.events.takeFresh(runId));
    this.deps = {
      logger: ctx.logger,
      metrics: ctx.metrics,
      queueConfig: ctx.config.queue,
      flows: () => ctx.flows,
      events: ctx.events,
      engineFor: (flow) => ctx.engineFor(flow),
      sql: ctx.sql,
      commits: ctx.commits,
      emitRunFinished: (e) => ctx.emitRunFinished(e),
    };
  }

  /** The lease owner string of this process's workers. */
  get owner(): string {
    return this.identity.owner;
  }

  get running(): number {
    return this.inFlight.size;
  }

  async start(): Promise<void> {
    if (this.started || this.count <= 0) return;
    this.started = true;
    if (this.identity.exclusive) {
      const expired = await this.ctx.queue.expireLeases(this.identity.nodePrefix, this.identity.owner);
      if (expired > 0) this.ctx.logger.info({ expired }, "took back the leases of this node's previous process");
    }
    const { pollMs, heartbeatMs } = this.ctx.config.queue;
    this.unsubscribe = this.ctx.queue.onNotify(() => {
      this.backlog = true;
      this.pump();
    });
    this.timers.push(
      setInterval(() => this.poll(), pollMs),
      setInterval(() => void this.heartbeat(), heartbeatMs),
    );
    for (const t of this.timers) t.unref();
    this.ctx.events.workers = this;
    this.ctx.state.workersRunning = true;
    this.pump();
  }

  reserve(flowId: string, concurrency: number): WorkerReservation | undefined {
    if (this.stopping || this.backlog || this.free <= 0) return undefined;
    const n = this.perFlow.get(flowId) ?? 0;
    if (n >= concurrency) return undefined;
    this.free--;
    this.perFlow.set(flowId, n + 1);
    let settled = false;
    return {
      lease: this.lease,
      start: (run: HandedRun) => {
        if (settled) return;
        settled = true;
        const { job, fresh, startedAt } = run;
        const started = {
          attempt: 1,
          eventId: fresh.eventId,
          revision: fresh.flow.revision,
          environment: fresh.flow.environment,
          runStartedAt: startedAt,
          firstEver: true,
          fresh,
        };
        this.runSlot({ job, started }, true);
      },
      cancel: () => {
        if (settled) return;
        settled = true;
        this.free++;
        this.untrack(flowId);
      },
    };
  }

  /**
   * Stop claiming; let in-flight runs finish for up to `graceMs`; then abort the rest, write what they
   * finished, and hand their jobs back to the queue (another process, or this one after a restart, takes them).
   */
  async stop(graceMs = this.ctx.config.shutdown.graceMs): Promise<{ finished: number; released: number }> {
    this.stopping = true;
    for (const t of this.timers) clearInterval(t);
    this.unsubscribe?.();
    if (this.ctx.events.workers === this) this.ctx.events.workers = undefined;
    const before = this.inFlight.size;
    const settle = (ms: number) => {
      let timer: NodeJS.Timeout | undefined;
      return Promise.race([Promise.all(this.slots), new Promise((r) => (timer = setTimeout(r, ms)))]).finally(() => clearTimeout(timer));
    };
    await settle(graceMs);
    const left = [...this.inFlight.values()];
    for (const h of left) h.abort('shutdown');
    // Aborted runs write the checkpoints of steps they finished before their lease is handed back.
    await Promise.race([Promise.all(left.map((h) => h.done)), new Promise((r) => setTimeout(r, 1000).unref())]);
    let released = 0;
    try {
      released = await this.ctx.queue.releaseAll(this.identity.owner);
    } catch (err) {
      this.ctx.logger.error({ err: { message: (err as Error).message } }, 'could not release leases; they expire on their own');
    }
    await settle(1000);
    this.ctx.state.workersRunning = false;
    if (this.ownsIdentity) this.identity.release();
    return { finished: before - left.length, released };
  }

  /** One slot working through runs: the first one given, then each next one claimed with the previous outcome. */
  private runSlot(first: ClaimedRun, counted: boolean): void {
    if (!counted) this.track(first.job.flowId);
    const slot = (async () => {
      // `claimed.next` is set by the outcome's commit (a closure TypeScript cannot follow, hence the holder).
      const claimed: { next?: ClaimedRun } = { next: first };
      while (claimed.next) {
        const cur: ClaimedRun = claimed.next;
        claimed.next = undefined;
        const handle = runJob(this.deps, cur.job, cur.started, async (outcome, checkpoints, startedAtMs) => {
          const wantNext = this.backlog && !this.stopping;
          const r = await this.ctx.commits.run(async (tx) => ({
            written: await this.writer.finish(tx, cur.job, cur.started, startedAtMs, outcome, checkpoints),
            next: wantNext ? await this.writer.claimAndStart(tx, this.lease, 1) : [],
          }));
          if (wantNext && r.next.length === 0) this.backlog = false;
          claimed.next = r.next[0];
          return r.written;
        });
        this.inFlight.set(cur.job.runId, handle);
        await handle.done;
        this.inFlight.delete(cur.job.runId);
        this.untrack(cur.job.flowId);
        const next = claimed.next as ClaimedRun | undefined;
        if (next && this.stopping)
          claimed.next = undefined; // claimed as the stop began: releaseAll hands it back
        else if (next) this.track(next.job.flowId);
      }
    })();
    this.slots.add(slot);
    void slot.finally(() => {
      this.slots.delete(slot);
      this.free++;
      if (this.backlog) this.pump();
    });
  }

  /** Idle slots claim queued work, all in one transaction. */
  private pump(): void {
    if (this.pumping || this.stopping || !this.started || this.free <= 0 || !this.backlog) return;
    this.pumping = true;
    const n = this.free;
    this.free -= n;
    this.ctx.commits
      .run((tx) => this.writer.claimAndStart(tx, this.lease, n))
      .then(
        (claimed) => {
          this.free += n - claimed.length;
          if (claimed.length < n) this.backlog = false;
          for (const c of claimed) this.runSlot(c, false);
        },
        (err) => {
          this.free += n;
          this.ctx.logger.error({ err: { message: (err as Error).message } }, 'claim failed');
        },
      )
      .finally(() => {
        this.pumping = false;
        if (this.backlog) this.pump();
      });
  }

  /** Due retries, other processes' work and expired leases wake nobody: look for them now and then. */
  private poll(): void {
    if (this.free <= 0) return;
    this.backlog = true;
    this.pump();
  }

  private async heartbeat(): Promise<void> {
    if (this.inFlight.size === 0) return;
    const before = [...this.inFlight.keys()];
    try {
      const held = await this.ctx.queue.heartbeat(this.identity.owner, this.ctx.config.queue.leaseMs);
      for (const runId of before) if (!held.has(runId)) this.inFlight.get(runId)?.abort('lease lost');
    } catch {
      /* database busy or closing: the next beat tries again */
    }
  }

  private track(flowId: string): void {
    this.perFlow.set(flowId, (this.perFlow.get(flowId) ?? 0) + 1);
  }

  private untrack(flowId: string): void {
    const n = (this.perFlow.get(flowId) ?? 1) - 1;
    if (n <= 0) this.perFlow.delete(flowId);
    else this.perFlow.set(flowId, n);
  }
}
