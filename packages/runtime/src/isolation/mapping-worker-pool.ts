import { Worker } from 'node:worker_threads';
import type { SpliceError } from '../errors';
import { MappingError } from '../errors';
import { resolveLimits, type MappingBindings } from '../mapping/evaluate';
import type { MappingLimits } from '../mapping/budget';
import { timeoutError } from '../mapping/budget';
import type { WorkerReply, WorkerRequest } from './worker-protocol';

/**
 * Worker threads that run the expressions too heavy to run inline. Each worker runs one evaluation at a
 * time, so when one must be stopped the culprit is known and nothing else is lost:
 * - time: the worker's own budget stops cooperative loops; a synchronous built-in or regex that ignores it
 *   is stopped by terminating the thread GRACE_MS after the expression's deadline (V8 interrupts any JS);
 * - memory: the thread's heap is capped (`resourceLimits`); past it V8 stops the thread, not the process.
 * Workers start on first use and stop after IDLE_MS unused, so a server that never needs one pays nothing.
 */
const GRACE_MS = 250;
const IDLE_MS = 30_000;

interface Job {
  request: Omit<WorkerRequest, 'id'>;
  resolve(value: unknown): void;
  reject(err: SpliceError): void;
}

interface Slot {
  worker: Worker;
  memoryMb: number;
  ready: boolean;
  job?: { id: number; job: Job; timer?: NodeJS.Timeout };
  idleTimer?: NodeJS.Timeout;
}

export interface MappingWorkerPoolOptions {
  /** Concurrent isolated evaluations (worker threads). Default 2. */
  maxWorkers?: number;
}

export class MappingWorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly opts: MappingWorkerPoolOptions = {}) {}

  evaluate(source: string, input: unknown, bindings: MappingBindings, limits: MappingLimits | undefined, spentMs: number): Promise<unknown> {
    if (this.closed) return Promise.reject(new MappingError('MAPPING_ISOLATION_FAILED', 'the mapping evaluator is shut down.'));
    return new Promise((resolve, reject) => {
      this.queue.push({ request: { source, input, bindings, limits: resolveLimits(limits), spentMs }, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new MappingError('MAPPING_ISOLATION_FAILED', 'the mapping evaluator shut down before this expression ran.'));
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const memoryMb = this.queue[0]!.request.limits.maxMemoryMb!;
      const slot = this.slots.find((s) => s.ready && !s.job && s.memoryMb === memoryMb);
      if (!slot) {
        // A worker's heap limit is fixed at its start: one with another limit makes room if it is idle.
        const other = this.slots.find((s) => s.ready && !s.job && s.memoryMb !== memoryMb);
        if (other) this.retire(other);
        const starting = this.slots.some((s) => !s.ready && s.memoryMb === memoryMb);
        if (!starting && this.slots.length < (this.opts.maxWorkers ?? 2)) this.spawn(memoryMb);
        return; // a worker becomes free or ready later and pumps again
      }
      this.start(slot, this.queue.shift()!);
    }
  }

  private start(slot: Slot, job: Job): void {
    clearTimeout(slot.idleTimer);
    const id = this.nextId++;
    slot.job = { id, job };
    slot.worker.ref(); // an evaluation in flight keeps the process alive (`splice run` awaits it)
    try {
      slot.worker.postMessage({ id, ...job.request } satisfies WorkerRequest);
    } catch (err) {
      slot.job = undefined;
      job.reject(new MappingError('MAPPING_EVALUATION', `expression input cannot be passed to the evaluator: ${(err as Error).message}.`, { cause: err }));
      this.idle(slot);
      return;
    }
    const limits = job.request.limits;
    const ms = Math.max(1, limits.timeoutMs! - job.request.spentMs) + GRACE_MS;
    slot.job.timer = setTimeout(() => this.kill(slot, timeoutError({ timeoutMs: limits.timeoutMs! })), ms);
  }

  private spawn(maxMemoryMb: number): void {
    const { file, execArgv } = workerEntry();
    const worker = new Worker(file, {
      execArgv,
      resourceLimits: { maxOldGenerationSizeMb: maxMemoryMb, maxYoungGenerationSizeMb: Math.min(32, Math.max(4, maxMemoryMb >> 3)), stackSizeMb: 4 },
      stdout: false,
      stderr: false,
    });
    const slot: Slot = { worker, memoryMb: maxMemoryMb, ready: false };
    this.slots.push(slot);
    worker.on('message', (reply: WorkerReply) => this.onReply(slot, reply));
    worker.on('error', (err) => this.onExit(slot, err));
    worker.on('exit', () => this.onExit(slot));
  }

  private onReply(slot: Slot, reply: WorkerReply): void {
    if (reply.id === undefined) {
      slot.ready = true;
      this.idle(slot);
      this.pump();
      return;
    }
    const current = slot.job;
    if (!current || current.id !== reply.id) return;
    clearTimeout(current.timer);
    slot.job = undefined;
    if (reply.ok) current.job.resolve(reply.value);
    else current.job.reject(new MappingError(reply.error.code, reply.error.message, { details: reply.error.details }));
    this.idle(slot);
    this.pump();
  }

  private idle(slot: Slot): void {
    slot.worker.unref();
    clearTimeout(slot.idleTimer);
    slot.idleTimer = setTimeout(() => this.retire(slot), IDLE_MS);
    slot.idleTimer.unref();
  }

  private retire(slot: Slot): void {
    if (slot.job) return;
    this.remove(slot);
    void slot.worker.terminate();
  }

  private kill(slot: Slot, error: SpliceError): void {
    const current = slot.job;
    slot.job = undefined;
    this.remove(slot);
    void slot.worker.terminate();
    current?.job.reject(error);
    this.pump();
  }

  /** The thread died: out of memory (V8 stopped it at its heap limit) or a crash in the worker. */
  private onExit(slot: Slot, err?: Error): void {
    if (!this.slots.includes(slot)) return;
    const current = slot.job;
    slot.job = undefined;
    clearTimeout(current?.timer);
    this.remove(slot);
    if (current) {
      const limits = current.job.request.limits;
      const oom = (err as { code?: string } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
      current.job.reject(
        oom
          ? new MappingError(
              'MAPPING_MEMORY_EXCEEDED',
              `expression needed more than its ${limits.maxMemoryMb} MB of memory (a huge sequence, sort or string?). Work on fewer items, or raise the mapping memory limit.`,
              { details: { maxMemoryMb: limits.maxMemoryMb } },
            )
          : new MappingError('MAPPING_ISOLATION_FAILED', `the mapping worker stopped unexpectedly (${err?.message ?? 'exited'}). The run can be retried.`, {
              retryable: true,
              cause: err,
            }),
      );
    } else if (err && !slot.ready) {
      // The worker could not start at all: fail what waits rather than spawning forever.
      for (const job of this.queue.splice(0)) job.reject(new MappingError('MAPPING_ISOLATION_FAILED', `the mapping worker could not start: ${err.message}.`, { cause: err }));
    }
    this.pump();
  }

  private remove(slot: Slot): void {
    clearTimeout(slot.idleTimer);
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
  }
}

/**
 * Where the worker's code is. The CLI bundle defines SPLICE_MAPPING_WORKER_BUNDLE at build time (its own
 * bundled worker, plain JavaScript); from the TypeScript sources the bootstrap registers tsx first.
 */
function workerEntry(): { file: URL | string; execArgv: string[] } {
  const bundled = process.env.SPLICE_MAPPING_WORKER_BUNDLE;
  if (bundled) return { file: bundled, execArgv: [] };
  return { file: new URL('./worker-bootstrap.mjs', import.meta.url), execArgv: [] };
}
