/// <reference lib="webworker" />
import { compileExpression, DEFAULT_MAPPING_LIMITS, evaluateExpression, isTemplateExpression, templateLiteral } from '@splice/runtime/mapping/index';
import type { PreviewFieldError, PreviewRequest, PreviewResponse } from './preview-protocol';

/**
 * The mapping preview runs here, off the page's thread, with the runtime's own mapping module and the
 * SAME limits the engine uses (DEFAULT_MAPPING_LIMITS): a runaway expression ends in MAPPING_TIMEOUT here,
 * and if it somehow did not, the page terminates this worker (see preview-client.ts).
 * Each expression of a `with` tree is evaluated on its own so one broken field does not hide the others.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;

function toError(path: (string | number)[], err: unknown): PreviewFieldError {
  const e = err as { code?: string; message?: string; details?: { offset?: number } };
  return { path, code: e.code ?? 'MAPPING_EVALUATION', message: e.message ?? String(err), offset: e.details?.offset };
}

async function evaluateOne(source: string, req: PreviewRequest, path: (string | number)[], errors: PreviewFieldError[]): Promise<unknown> {
  try {
    return await evaluateExpression(compileExpression(source), req.input, req.bindings, DEFAULT_MAPPING_LIMITS);
  } catch (err) {
    errors.push(toError(path, err));
    return undefined;
  }
}

async function evaluateTree(value: unknown, req: PreviewRequest, path: (string | number)[], errors: PreviewFieldError[]): Promise<unknown> {
  if (typeof value === 'string') return isTemplateExpression(value) ? evaluateOne(value.slice(1), req, path, errors) : templateLiteral(value);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) out.push(await evaluateTree(value[i], req, [...path, i], errors));
    return out;
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = await evaluateTree(v, req, [...path, k], errors);
      if (r !== undefined) out[k] = r;
    }
    return out;
  }
  return value;
}

scope.onmessage = async (ev: MessageEvent<PreviewRequest>) => {
  const req = ev.data;
  const errors: PreviewFieldError[] = [];
  const value = req.expression !== undefined ? await evaluateOne(req.expression, req, [], errors) : await evaluateTree(req.template, req, [], errors);
  const answer: PreviewResponse = req.expression !== undefined && errors.length ? { id: req.id, ok: false, errors } : { id: req.id, ok: true, value, errors };
  scope.postMessage(answer);
};
