import { parentPort } from 'node:worker_threads';
import { SpliceError } from '../errors';
import { compileExpression } from '../mapping/compile';
import { evaluateExpression } from '../mapping/evaluate';
import type { WorkerReply, WorkerRequest } from './worker-protocol';

/**
 * The isolated evaluator: runs one expression at a time with the full limits. Its thread has a heap limit
 * and is terminated by the pool when it overruns its time, so nothing it runs can block or crash the
 * server's thread. Compiled expressions are cached here as on the main thread (by source).
 */
const port = parentPort;
if (!port) throw new Error('mapping-worker.ts runs only as a worker thread');

port.on('message', (req: WorkerRequest) => {
  void answer(req).then((reply) => port.postMessage(reply));
});
port.postMessage({ ready: true } satisfies WorkerReply);

async function answer(req: WorkerRequest): Promise<WorkerReply> {
  try {
    const value = await evaluateExpression(compileExpression(req.source), req.input, req.bindings, req.limits, { spentMs: req.spentMs });
    return { id: req.id, ok: true, value };
  } catch (err) {
    if (err instanceof SpliceError) {
      return { id: req.id, ok: false, error: { code: err.code, message: err.message, details: err.details } };
    }
    return { id: req.id, ok: false, error: { code: 'INTERNAL_ERROR', message: (err as Error)?.message ?? String(err) } };
  }
}
