import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { ServerContext } from '../context';
import { AttemptWriter } from './attempt-writer';
import { runJob, type RunJobHandle } from './run-job';

/**
 * In-process workers: each loop claims a due job (lease), runs it, and looks for the next. New work
 * wakes idle loops at once (queue.notify); otherwise they poll, which also picks up jobs whose worker
 * died (expired leases) and work queued by other processes.
 */
export class WorkerPool {
  /** Lease owner prefix of this process: `host:pid:random`. */
  readonly instanceId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private stopping = false;
  /** Jobs enqueued by this process and not yet claimed (a hint: other processes may take them). */
  private pendingLocal = 0;
  private readonly inFlight = new Map<string, RunJobHandle>();
  private loops: Promise<void>[] = [];
  private wakers = new Set<() => void>();
  private unsubscribe?: () => void;
  private readonly writer: AttemptWriter;

  constructor(
    private readonly ctx: ServerContext,
    private readonly count = ctx.config.workers.count,
  ) {
    this.writer = new AttemptWriter(ctx.db, ctx.queue, ctx.events.commits, (runId) => ctx.events.takeFresh(runId));
  }

  start(): void {
    if (this.loops.length || this.count <= 0) return;
    // One enqueue wakes one idle worker: waking all of them makes every one race for the same job.
    this.unsubscribe = this.ctx.queue.onNotify(() => {
      this.pendingLocal++;
      this.wakeOne();
    });
    for (let i = 0; i < this.count; i++) this.loops.push(this.loop(`${this.instanceId}:w${i}:`));
    this.ctx.state.workersRunning = true;
  }

  get running(): number {
    return this.inFlight.size;
  }

  /**
   * Stop claiming; let in-flight runs finish for up to `graceMs`; then abort the rest and hand their
   * jobs back to the queue (released leases: another process, or this one after a restart, takes them).
   */
  async stop(graceMs = this.ctx.config.shutdown.graceMs): Promise<{ finished: number; released: number }> {
    this.stopping = true;
    this.unsubscribe?.();
    this.wakeAll();
    const before = this.inFlight.size;
    const all = Promise.all([...this.inFlight.values()].map((h) => h.done));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    const left = [...this.inFlight.values()];
    for (const h of left) h.abort('shutdown');
    let released = 0;
    try {
      released = await this.ctx.queue.releaseAll(this.instanceId);
    } catch (err) {
      this.ctx.logger.error({ err: { message: (err as Error).message } }, 'could not release leases; they expire on their own');
    }
    await Promise.race([Promise.all(left.map((h) => h.done)), new Promise((r) => setTimeout(r, 1000).unref())]);
    await Promise.all(this.loops);
    this.loops = [];
    this.ctx.state.workersRunning = false;
    return { finished: before - left.length, released };
  }

  /**
   * One worker. It claims right after a job only when work is likely: local enqueues not yet claimed
   * (`pendingLocal`), or a backlog (its last claim found a job nobody announced: a restart, retries due,
   * another process). Otherwise it waits for a wake-up or the poll interval, so a quiet queue costs no
   * empty claim per job.
   */
  private async loop(owner: string): Promise<void> {
    const { leaseMs, pollMs } = this.ctx.config.queue;
    let tryNow = true;
    let backlog = false;
    while (!this.stopping) {
      if (!tryNow) await this.idle(pollMs);
      if (this.stopping) break;
      const announced = this.pendingLocal > 0;
      let claimed;
      try {
        claimed = await this.writer.claimAndStart(owner, leaseMs);
      } catch (err) {
        this.ctx.logger.error({ err: { message: (err as Error).message } }, 'claim failed');
      }
      if (!claimed) {
        this.pendingLocal = 0;
        tryNow = false;
        backlog = false;
        continue;
      }
      if (announced) this.pendingLocal--;
      else backlog = true;
      if (this.stopping) {
        // Claimed while stopping: hand it straight back.
        await this.ctx.queue.releaseAll(owner).catch(() => {});
        break;
      }
      const { job, started } = claimed;
      const handle = runJob(this.ctx, job, started, this.writer);
      this.inFlight.set(job.runId, handle);
      await handle.done;
      this.inFlight.delete(job.runId);
      tryNow = backlog || this.pendingLocal > 0;
    }
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }

  private wakeOne(): void {
    const first = this.wakers.values().next();
    if (!first.done) first.value();
  }

  private wakeAll(): void {
    for (const w of [...this.wakers]) w();
  }
}
