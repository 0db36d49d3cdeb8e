import { applyNodeChanges, Background, Controls, MiniMap, ReactFlow, useReactFlow, type Connection, type Edge, type NodeChange } from '@xyflow/react';
import { useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import type { EdgeKind } from '../../model/flow-graph';
import { useEditor } from '../../store/store';
import { decodePaletteItem, PALETTE_MIME } from './palette';
import { StepNode, type StepFlowNode } from './step-node';

// Declared once at module scope: a new object per render would make React Flow remount every node.
const nodeTypes = { step: StepNode };

export function Canvas() {
  const graph = useEditor((s) => s.flow?.graph);
  const positions = useEditor((s) => s.flow?.positions);
  const selected = useEditor((s) => s.selected);
  const operations = useEditor((s) => s.operations);
  const { select, connect, removeNode, moveNode, addNode, setTriggerFrom } = useEditor.getState();
  const flowApi = useReactFlow();
  const [nodes, setNodes] = useState<StepFlowNode[]>([]);

  // Derived from the graph; measured sizes React Flow already knows are kept.
  useEffect(() => {
    if (!graph) return;
    setNodes((prev) => {
      const byId = new Map(prev.map((n) => [n.id, n]));
      return graph.nodes.map((g) => {
        const op = g.uses ? operations.get(g.uses) : undefined;
        const old = byId.get(g.id);
        return {
          ...(old ?? {}),
          id: g.id,
          type: 'step' as const,
          position: positions?.[g.id] ?? old?.position ?? { x: 0, y: 0 },
          selected: g.id === selected,
          deletable: g.id !== 'trigger',
          data: { kind: g.kind, label: g.label, detail: op ? op.title : g.detail, connector: op?.connectorTitle ?? (g.kind === 'trigger' ? undefined : g.uses === 'http' ? 'HTTP' : undefined), scope: op?.scope },
        };
      });
    });
  }, [graph, positions, selected, operations]);

  const edges: Edge[] = useMemo(
    () => (graph?.edges ?? []).map((e) => ({ id: e.id, source: e.source, target: e.target, sourceHandle: e.kind, label: e.kind === 'next' ? undefined : e.kind, animated: false })),
    [graph],
  );

  // Fit the view once per new set of nodes, after the layout has placed them (not on every drag).
  const fitted = useRef('');
  useEffect(() => {
    const key = (graph?.nodes ?? []).map((n) => n.id).join(',');
    if (!positions || !key || fitted.current === key || !graph!.nodes.every((n) => positions[n.id])) return;
    fitted.current = key;
    setTimeout(() => void flowApi.fitView({ padding: 0.15, maxZoom: 1 }), 50);
  }, [graph, positions, flowApi]);

  const onNodesChange = (changes: NodeChange<StepFlowNode>[]) => {
    setNodes((ns) => applyNodeChanges(changes, ns));
    for (const c of changes) {
      if (c.type === 'position' && c.position && !c.dragging) moveNode(c.id, c.position);
      if (c.type === 'select' && c.selected) select(c.id);
    }
  };

  const onDrop = (e: DragEvent) => {
    const item = decodePaletteItem(e.dataTransfer.getData(PALETTE_MIME));
    if (!item) return;
    e.preventDefault();
    // Dropped onto a node: the new step runs right after it; onto empty canvas: at the end of the flow.
    const target = (document.elementFromPoint(e.clientX, e.clientY) as HTMLElement | null)?.closest('.react-flow__node')?.getAttribute('data-id') ?? undefined;
    if (item.trigger) setTriggerFrom(item.trigger);
    else if (item.step) addNode(item.step, target ? { afterId: target } : { afterId: undefined });
  };

  return (
    <div className="canvas" data-testid="canvas" onDragOver={(e) => (e.preventDefault(), (e.dataTransfer.dropEffect = 'copy'))} onDrop={onDrop}>
      <ReactFlow<StepFlowNode, Edge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onConnect={(c: Connection) => connect(c.source, c.target, (c.sourceHandle as EdgeKind | null) ?? 'next')}
        onNodesDelete={(ns) => ns.forEach((n) => removeNode(n.id))}
        onPaneClick={() => select(undefined)}
        deleteKeyCode={['Delete', 'Backspace']}
        fitView
        fitViewOptions={{ maxZoom: 1 }}
        minZoom={0.3}
        proOptions={{ hideAttribution: true }}
        aria-label="Flow canvas"
      >
        <Background gap={16} />
        <Controls showInteractive={false} />
        <MiniMap pannable zoomable style={{ width: 140, height: 90 }} />
      </ReactFlow>
    </div>
  );
}
