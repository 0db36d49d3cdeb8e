import type { ELK as ElkApi } from 'elkjs/lib/elk-api';
import type { FlowGraph, GraphNode } from './flow-graph';

/**
 * Auto-layout with elkjs (layered, top to bottom): the trigger on top, steps below in run order, branches
 * side by side. Positions are not stored in the YAML: the file stays the user's, and layout is recomputed.
 */
export interface Position {
  x: number;
  y: number;
}

export const NODE_WIDTH = 240;
export const NODE_HEIGHT = 64;
/**
 * Call nodes are taller: a connector badge that, with a run's status badge beside it, wraps the head onto
 * a second line, then the operation and its scope. Laid out at their full height so they never overlap
 * the next node once a test run has added its status.
 */
export const CALL_NODE_HEIGHT = 108;

export function nodeHeight(n: Pick<GraphNode, 'kind' | 'uses'>): number {
  return n.kind === 'call' && n.uses ? CALL_NODE_HEIGHT : NODE_HEIGHT;
}

// elkjs is large: loaded on first use, so the first screen does not wait for it.
let elk: Promise<ElkApi> | undefined;
const loadElk = () => (elk ??= import('elkjs/lib/elk.bundled.js').then((m) => new m.default()));

/** Positions by node id; `size` gives every node the same box (default: each node's own height). */
export async function layoutGraph(graph: FlowGraph, size?: { width: number; height: number }): Promise<Map<string, Position>> {
  const result = await (await loadElk()).layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '48',
      'elk.spacing.nodeNode': '40',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
    },
    children: graph.nodes.map((n) => ({ id: n.id, width: size?.width ?? NODE_WIDTH, height: size?.height ?? nodeHeight(n) })),
    edges: graph.edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  });
  const out = new Map<string, Position>();
  for (const c of result.children ?? []) out.set(c.id, { x: c.x ?? 0, y: c.y ?? 0 });
  return out;
}
