import type { FlowDocument, YamlPath } from './flow-document';
import type { EdgeKind, FlowGraph, GraphNode } from './flow-graph';

/**
 * Canvas and palette gestures as minimal edits of the YAML Document. A flow's steps are an ordered list,
 * so "connect A → B" means "B runs right after A" (or first in A's then/else/each branch) and moves B's
 * YAML item, comments included.
 */
export interface NewStepSpec {
  type: 'map' | 'call' | 'filter' | 'if' | 'foreach';
  /** Catalog operation id for call steps. */
  uses?: string;
  connector?: string;
  name?: string;
}

export class FlowEditError extends Error {
  readonly code = 'EDITOR_INVALID_EDIT';
}

/** `highlevel.v2.get-tags-location-id` → `getTagsLocationId`, made unique among `taken`. */
export function newStepId(base: string, taken: Iterable<string>): string {
  const last = base.split('.').pop() ?? base;
  const words = last.split(/[^A-Za-z0-9]+/).filter(Boolean);
  let id = words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1))).join('') || 'step';
  if (!/^[A-Za-z]/.test(id)) id = `step${id}`;
  const used = new Set(taken);
  if (!used.has(id)) return id;
  for (let n = 2; ; n++) if (!used.has(`${id}${n}`)) return `${id}${n}`;
}

function stepBody(spec: NewStepSpec, id: string, graph: FlowGraph, credential?: string): Record<string, unknown> {
  const taken = graph.nodes.map((n) => n.id).concat(id);
  const name = spec.name ? { name: spec.name } : {};
  switch (spec.type) {
    case 'call':
      // No `with: {}`: the first mapping then creates block-style maps rather than filling a flow-style `{}`.
      return { id, type: 'call', ...name, uses: spec.uses ?? 'http', ...(credential ? { credential } : {}) };
    case 'map':
      return { id, type: 'map', ...name, expression: '{}' };
    case 'filter':
      return { id, type: 'filter', ...name, condition: 'true' };
    case 'if':
      return { id, type: 'if', ...name, condition: 'true', then: [{ id: newStepId(`${id}Then`, taken), type: 'map', expression: '$' }] };
    case 'foreach':
      return { id, type: 'foreach', ...name, items: '$event.items', steps: [{ id: newStepId(`${id}Item`, taken), type: 'map', expression: '$item' }] };
  }
}

/** The credential name a new call step of `connector` should use, declaring one when the flow has none. */
export function credentialFor(doc: FlowDocument, connector: string | undefined): string | undefined {
  if (!connector || connector === 'http' || connector === 'core') return undefined;
  const creds = doc.get(['credentials']);
  if (creds && typeof creds === 'object') {
    for (const [name, ref] of Object.entries(creds as Record<string, { connector?: string }>)) if (ref?.connector === connector) return name;
  }
  doc.set(['credentials', connector], { connector });
  return connector;
}

/** Where a new node goes: after `afterId` (or at the end of the flow), or first in a branch. */
export function addStep(doc: FlowDocument, graph: FlowGraph, spec: NewStepSpec, place?: { afterId?: string; branch?: EdgeKind }): string {
  const id = newStepId(spec.uses ?? spec.type, graph.nodes.map((n) => n.id));
  const credential = spec.type === 'call' ? credentialFor(doc, spec.connector) : undefined;
  const body = stepBody(spec, id, graph, credential);
  const target = place?.afterId ? insertionPoint(graph, place.afterId, place.branch ?? 'next') : { seq: ['steps'] as YamlPath, index: undefined };
  doc.insert(target.seq, body, target.index);
  return id;
}

function nodeById(graph: FlowGraph, id: string): GraphNode {
  const n = graph.nodes.find((x) => x.id === id);
  if (!n) throw new FlowEditError(`No node "${id}" on the canvas.`);
  return n;
}

/** The sequence and index at which a step goes when it follows `sourceId` along an edge of `kind`. */
export function insertionPoint(graph: FlowGraph, sourceId: string, kind: EdgeKind): { seq: YamlPath; index: number | undefined } {
  if (sourceId === 'trigger') return { seq: ['steps'], index: 0 };
  const src = nodeById(graph, sourceId);
  if (kind === 'then' || kind === 'else') {
    if (src.kind !== 'if') throw new FlowEditError(`"${sourceId}" is not an if step; only if steps have ${kind} branches.`);
    return { seq: [...src.path, kind], index: 0 };
  }
  if (kind === 'each') {
    if (src.kind !== 'foreach') throw new FlowEditError(`"${sourceId}" is not a foreach step; only foreach steps have a body.`);
    return { seq: [...src.path, 'steps'], index: 0 };
  }
  const index = src.path[src.path.length - 1] as number;
  return { seq: src.path.slice(0, -1), index: index + 1 };
}

function isAncestor(graph: FlowGraph, ancestorId: string, id: string): boolean {
  let cur = graph.nodes.find((n) => n.id === id)?.parent;
  while (cur) {
    if (cur.id === ancestorId) return true;
    cur = graph.nodes.find((n) => n.id === cur!.id)?.parent;
  }
  return false;
}

/** Connect `sourceId` → `targetId`: move the target step so it runs right after the source (or in its branch). */
export function connectSteps(doc: FlowDocument, graph: FlowGraph, sourceId: string, targetId: string, kind: EdgeKind = 'next'): void {
  if (targetId === 'trigger') throw new FlowEditError('Nothing can run before the trigger: connect the trigger to a step instead.');
  if (sourceId === targetId) throw new FlowEditError('A step cannot follow itself.');
  if (isAncestor(graph, targetId, sourceId)) throw new FlowEditError(`"${targetId}" contains "${sourceId}", so it cannot run after it.`);
  const target = nodeById(graph, targetId);
  const to = insertionPoint(graph, sourceId, kind);
  doc.move(target.path, to.seq, to.index ?? 0);
}

/** Delete a step; an if/foreach goes with its branches. A branch that becomes empty is removed. */
export function deleteStep(doc: FlowDocument, graph: FlowGraph, id: string): void {
  if (id === 'trigger') throw new FlowEditError('A flow always has a trigger: change its type in the inspector instead.');
  const node = nodeById(graph, id);
  doc.delete(node.path);
  const parentSeq = node.path.slice(0, -1);
  const rest = doc.get(parentSeq);
  if (Array.isArray(rest) && rest.length === 0 && parentSeq.length > 1) doc.delete(parentSeq);
}

/**
 * Replace the trigger with one of another type or source, keeping the `sample` and any comments on keys
 * that stay, and deleting keys the new type does not allow.
 */
export function setTrigger(doc: FlowDocument, next: Record<string, unknown>): void {
  const allowed: Record<string, string[]> = {
    webhook: ['type', 'source', 'events', 'secret', 'idempotencyKey', 'sample'],
    schedule: ['type', 'cron', 'timezone', 'event', 'sample'],
    manual: ['type', 'input', 'sample'],
  };
  const keep = allowed[String(next.type)] ?? Object.keys(next);
  const current = doc.get(['trigger']);
  if (current && typeof current === 'object') {
    for (const key of Object.keys(current)) if (!keep.includes(key) || (key !== 'sample' && !(key in next) && key !== 'type')) doc.delete(['trigger', key]);
  }
  for (const [k, v] of Object.entries(next)) doc.set(['trigger', k], v);
}

/** Rename a step and rewrite `$steps.<old>` references in every expression of the flow. */
export function renameStep(doc: FlowDocument, graph: FlowGraph, oldId: string, newId: string): void {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(newId)) throw new FlowEditError(`"${newId}" is not a valid step id: start with a letter, then letters, digits or underscores.`);
  if (graph.nodes.some((n) => n.id === newId)) throw new FlowEditError(`A step "${newId}" already exists.`);
  const node = nodeById(graph, oldId);
  doc.set([...node.path, 'id'], newId);
  const ref = new RegExp(`\\$steps\\.${oldId}\\b`, 'g');
  const visit = (value: unknown, path: YamlPath): void => {
    if (typeof value === 'string') {
      if (ref.test(value)) doc.set(path, value.replace(ref, `$steps.${newId}`));
      ref.lastIndex = 0;
    } else if (Array.isArray(value)) value.forEach((v, i) => visit(v, [...path, i]));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
  };
  visit(doc.get(['steps']), ['steps']);
}
