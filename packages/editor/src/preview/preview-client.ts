import { DEFAULT_MAPPING_LIMITS } from '@splice/runtime/mapping/index';
import type { PreviewRequest, PreviewResponse } from './preview-protocol';

/**
 * Talks to the preview worker. Belt and braces: the worker enforces the runtime's time limit itself, and
 * when it does not answer within that limit plus a grace period, the worker is terminated and replaced,
 * and the caller gets a MAPPING_TIMEOUT answer. The page thread never evaluates an expression.
 * Only the newest request matters while typing: older pending ones are answered as superseded.
 */
export type WorkerFactory = () => Worker;

export const WATCHDOG_GRACE_MS = 1500;

export const defaultWorkerFactory: WorkerFactory = () => new Worker(new URL('./preview-worker.ts', import.meta.url), { type: 'module', name: 'mapping-preview' });

export class PreviewClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private pending = new Map<number, { resolve: (r: PreviewResponse) => void; timer: ReturnType<typeof setTimeout> }>();
  /** How many workers were terminated because they stopped answering (shown in the UI, checked by tests). */
  restarts = 0;

  constructor(
    private readonly factory: WorkerFactory = defaultWorkerFactory,
    private readonly watchdogMs = DEFAULT_MAPPING_LIMITS.timeoutMs + WATCHDOG_GRACE_MS,
  ) {}

  evaluate(req: Omit<PreviewRequest, 'id'>): Promise<PreviewResponse> {
    const id = this.nextId++;
    for (const [oldId, p] of this.pending) {
      clearTimeout(p.timer);
      p.resolve({ id: oldId, ok: false, errors: [{ path: [], code: 'PREVIEW_SUPERSEDED', message: 'superseded by a newer preview' }] });
    }
    this.pending.clear();
    const worker = this.ensureWorker();
    return new Promise<PreviewResponse>((resolve) => {
      const timer = setTimeout(() => this.onWatchdog(id), this.watchdogMs);
      this.pending.set(id, { resolve, timer });
      worker.postMessage({ ...req, id } satisfies PreviewRequest);
    });
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = undefined;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = this.factory();
    w.onmessage = (ev: MessageEvent<PreviewResponse>) => {
      const p = this.pending.get(ev.data.id);
      if (!p) return;
      clearTimeout(p.timer);
      this.pending.delete(ev.data.id);
      p.resolve(ev.data);
    };
    w.onerror = (ev) => {
      ev.preventDefault();
      this.failAll('PREVIEW_WORKER_FAILED', `the preview worker failed: ${ev.message || 'unknown error'}`);
      this.dispose();
    };
    this.worker = w;
    return w;
  }

  private onWatchdog(id: number): void {
    if (!this.pending.has(id)) return;
    this.restarts++;
    this.dispose(); // a worker stuck in an expression cannot be interrupted any other way
    this.failAll('MAPPING_TIMEOUT', `the expression did not finish within ${DEFAULT_MAPPING_LIMITS.timeoutMs} ms (the runtime's limit); it probably loops forever. Simplify it or add a stop condition.`);
  }

  private failAll(code: string, message: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.resolve({ id, ok: false, errors: [{ path: [], code, message }] });
    }
    this.pending.clear();
  }
}
