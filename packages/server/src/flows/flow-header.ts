import { parse, parseDocument } from 'yaml';

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

/**
 * Why a text cannot be a flow at all (not YAML, or not a mapping), with the 1-based line:col of the first
 * YAML error, so an API answer can say where to look. Undefined when the text is a YAML mapping.
 */
export function yamlProblem(yaml: string): { message: string; line: number; col: number } | undefined {
  const doc = parseDocument(yaml, { prettyErrors: false });
  const err = doc.errors[0];
  if (err) {
    const [line, col] = err.linePos?.[0] ? [err.linePos[0].line, err.linePos[0].col] : lineColOf(yaml, err.pos[0]);
    return { message: `the text is not valid YAML: ${err.message.split('\n')[0]}`, line, col };
  }
  const value: unknown = doc.toJS();
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return { message: 'the text is not a flow: it must be a YAML mapping with apiVersion, kind, metadata, trigger and steps', line: 1, col: 1 };
  }
  return undefined;
}

function lineColOf(text: string, offset: number): [number, number] {
  const before = text.slice(0, Math.max(0, offset));
  const lines = before.split('\n');
  return [lines.length, (lines[lines.length - 1] ?? '').length + 1];
}
