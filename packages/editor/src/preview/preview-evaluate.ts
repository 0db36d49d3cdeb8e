import { compileExpression, DEFAULT_MAPPING_LIMITS, evaluateExpression, isTemplateExpression, templateLiteral, type MappingLimits } from '@splice/runtime/mapping/index';
import type { PreviewFieldError, PreviewRequest, PreviewResponse } from './preview-protocol';

/**
 * What the preview worker computes, as a plain function: the runtime's mapping module with the SAME
 * limits the engine uses. Each expression of a `with` tree is evaluated on its own so one broken field
 * does not hide the others.
 */
function toError(path: (string | number)[], err: unknown): PreviewFieldError {
  const e = err as { code?: string; message?: string; details?: { offset?: number } };
  return { path, code: e.code ?? 'MAPPING_EVALUATION', message: e.message ?? String(err), offset: e.details?.offset };
}

async function evaluateOne(source: string, req: PreviewRequest, path: (string | number)[], errors: PreviewFieldError[], limits: MappingLimits): Promise<unknown> {
  try {
    return await evaluateExpression(compileExpression(source), req.input, req.bindings, limits);
  } catch (err) {
    errors.push(toError(path, err));
    return undefined;
  }
}

async function evaluateTree(value: unknown, req: PreviewRequest, path: (string | number)[], errors: PreviewFieldError[], limits: MappingLimits): Promise<unknown> {
  if (typeof value === 'string') return isTemplateExpression(value) ? evaluateOne(value.slice(1), req, path, errors, limits) : templateLiteral(value);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) out.push(await evaluateTree(value[i], req, [...path, i], errors, limits));
    return out;
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = await evaluateTree(v, req, [...path, k], errors, limits);
      if (r !== undefined) out[k] = r;
    }
    return out;
  }
  return value;
}

export async function evaluatePreview(request: PreviewRequest, limits: MappingLimits = DEFAULT_MAPPING_LIMITS): Promise<PreviewResponse> {
  const errors: PreviewFieldError[] = [];
  let req = request;
  let item: unknown;
  for (const items of request.foreachItems ?? []) {
    const list = await evaluateOne(items, req, ['$item'], errors, limits);
    item = Array.isArray(list) ? list[0] : list;
    req = { ...req, bindings: { ...req.bindings, item, index: 0 } };
  }
  const withItem = request.foreachItems?.length ? { item } : {};
  if (req.expression !== undefined) {
    const value = await evaluateOne(req.expression, req, [], errors, limits);
    return errors.length ? { id: req.id, ok: false, errors, ...withItem } : { id: req.id, ok: true, value, errors, ...withItem };
  }
  return { id: req.id, ok: true, value: await evaluateTree(req.template, req, [], errors, limits), errors, ...withItem };
}
