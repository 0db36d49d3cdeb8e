/// <reference lib="webworker" />
import { evaluatePreview } from './preview-evaluate';
import type { PreviewRequest } from './preview-protocol';

/**
 * The mapping preview runs here, off the page's thread (see preview-evaluate.ts for what it computes).
 * A runaway expression ends in MAPPING_TIMEOUT from the runtime's own clock; if something never returns
 * to the evaluator (e.g. catastrophic regex backtracking), the page terminates this worker (preview-client.ts).
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = async (ev: MessageEvent<PreviewRequest>) => {
  scope.postMessage(await evaluatePreview(ev.data));
};
