import type { YamlPath } from './flow-document';

/**
 * The canvas view of a flow: the trigger, then its steps in order, with `if` branches and `foreach`
 * bodies as nested chains. Derived from the flow data on every change; never the source of truth
 * (the YAML Document is), so graph gestures are turned into Document edits (see flow-edits.ts).
 */
export type GraphNodeKind = 'trigger' | 'map' | 'call' | 'filter' | 'if' | 'foreach' | 'unknown';
export type EdgeKind = 'next' | 'then' | 'else' | 'each';

export interface GraphNode {
  /** `trigger`, or the step id (unique in a flow). */
  id: string;
  kind: GraphNodeKind;
  label: string;
  /** Catalog operation (call steps) or trigger source / schedule. */
  detail?: string;
  uses?: string;
  credential?: string;
  /** Where the node lives in the YAML. */
  path: YamlPath;
  /** Parent if/foreach id and which branch, for nested steps. */
  parent?: { id: string; branch: 'then' | 'else' | 'each' };
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  kind: EdgeKind;
}

export interface FlowGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function triggerDetail(t: Obj): string {
  if (t.type === 'webhook') return `${str(t.source) ?? 'webhook'}${Array.isArray(t.events) && t.events.length ? `: ${t.events.join(', ')}` : ''}`;
  if (t.type === 'schedule') return `cron ${str(t.cron) ?? '?'}${t.timezone ? ` (${String(t.timezone)})` : ''}`;
  if (t.type === 'manual') return 'manual / API call';
  return 'no trigger type';
}

function stepLabel(s: Obj, id: string): string {
  return str(s.name) ?? id;
}

export function flowToGraph(flow: unknown): FlowGraph {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const f = isObj(flow) ? flow : {};
  const trigger = isObj(f.trigger) ? f.trigger : {};
  nodes.push({ id: 'trigger', kind: 'trigger', label: `Trigger: ${str(trigger.type) ?? '?'}`, detail: triggerDetail(trigger), path: ['trigger'] });
  const seen = new Set<string>(['trigger']);
  let edgeCount = 0;
  const link = (source: string, target: string, kind: EdgeKind) => edges.push({ id: `e${edgeCount++}-${source}-${target}`, source, target, kind });

  /** Adds a chain of steps; links each of `from` to the first; returns the chain's exits. */
  const chain = (steps: unknown, path: YamlPath, from: string[], firstKind: EdgeKind, parent?: GraphNode['parent']): string[] => {
    if (!Array.isArray(steps)) return from;
    let exits = from;
    let kind = firstKind;
    steps.forEach((raw, i) => {
      const s = isObj(raw) ? raw : {};
      let id = str(s.id) ?? `step${i + 1}`;
      // Duplicate or missing ids are reported by validation; the canvas still needs unique node ids.
      while (seen.has(id)) id = `${id}_dup`;
      seen.add(id);
      const type = str(s.type);
      const nodeKind: GraphNodeKind = type === 'map' || type === 'call' || type === 'filter' || type === 'if' || type === 'foreach' ? type : 'unknown';
      const here: YamlPath = [...path, i];
      const detail = nodeKind === 'call' ? str(s.uses) : nodeKind === 'filter' || nodeKind === 'if' ? str(s.condition) : nodeKind === 'foreach' ? str(s.items) : nodeKind === 'map' ? 'mapping' : undefined;
      nodes.push({ id, kind: nodeKind, label: stepLabel(s, id), detail, uses: str(s.uses), credential: str(s.credential), path: here, parent });
      for (const e of exits) link(e, id, kind);
      kind = 'next';
      if (nodeKind === 'if') {
        const thenExits = chain(s.then, [...here, 'then'], [id], 'then', { id, branch: 'then' });
        const elseExits = Array.isArray(s.else) ? chain(s.else, [...here, 'else'], [id], 'else', { id, branch: 'else' }) : [id];
        exits = [...new Set([...thenExits, ...elseExits])];
      } else if (nodeKind === 'foreach') {
        chain(s.steps, [...here, 'steps'], [id], 'each', { id, branch: 'each' });
        exits = [id];
      } else {
        exits = [id];
      }
    });
    return exits;
  };
  chain(f.steps, ['steps'], ['trigger'], 'next');
  return { nodes, edges };
}

/** Ids of the steps that run before `stepId` (whose outputs it can read as $steps.<id>). */
export function stepsBefore(flow: unknown, stepId: string): string[] {
  const order: string[] = [];
  let found = false;
  const walk = (steps: unknown, ancestors: string[]): void => {
    if (!Array.isArray(steps) || found) return;
    for (const raw of steps) {
      if (found) return;
      const s = isObj(raw) ? raw : {};
      const id = str(s.id);
      if (id === stepId) {
        found = true;
        return;
      }
      if (s.type === 'if') {
        const before = order.length;
        walk(s.then, [...ancestors, id ?? '']);
        if (found) return;
        // A sibling branch's steps do not run before a step in the other branch.
        const thenIds = order.splice(before);
        walk(s.else, [...ancestors, id ?? '']);
        if (found) return;
        order.splice(before, 0, ...thenIds);
      } else if (s.type === 'foreach') {
        const before = order.length;
        walk(s.steps, [...ancestors, id ?? '']);
        if (found) return;
        order.splice(before); // body outputs are per item; after the loop the foreach's own output is visible
      }
      if (id) order.push(id);
    }
  };
  walk(isObj(flow) ? flow.steps : undefined, []);
  return order;
}

/** The foreach ids enclosing a step (so its expressions may use $item and $index). */
export function enclosingForeach(graph: FlowGraph, stepId: string): string[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const out: string[] = [];
  let cur = byId.get(stepId)?.parent;
  while (cur) {
    if (cur.branch === 'each') out.push(cur.id);
    cur = byId.get(cur.id)?.parent;
  }
  return out;
}
