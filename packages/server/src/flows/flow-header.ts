import { parse } from 'yaml';

/**
 * The few facts the API lists about a flow (id, title, trigger) read leniently from its text, so a
 * draft that does not validate yet still shows up with its name. Validation proper is the loader's job.
 */
export interface FlowHeader {
  name?: string;
  title?: string;
  description?: string;
  triggerType?: 'webhook' | 'schedule' | 'manual';
}

export function readFlowHeader(yaml: string): FlowHeader {
  let doc: unknown;
  try {
    doc = parse(yaml, { prettyErrors: false });
  } catch {
    return {};
  }
  if (!doc || typeof doc !== 'object') return {};
  const d = doc as { metadata?: Record<string, unknown>; trigger?: { type?: unknown } };
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const t = d.trigger?.type;
  return {
    name: str(d.metadata?.name),
    title: str(d.metadata?.title),
    description: str(d.metadata?.description),
    triggerType: t === 'webhook' || t === 'schedule' || t === 'manual' ? t : undefined,
  };
}
