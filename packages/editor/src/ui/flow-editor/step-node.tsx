import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { GraphNodeKind } from '../../model/flow-graph';
import type { RunRecord } from '@splice/server/api/contract';
import { useEditor } from '../../store/store';

type StepRecord = RunRecord['steps'][number];
import { badgeOf, ms } from '../step-record-view';

/** Display data only: custom nodes get no callbacks through `data`; they read the store by selectors. */
export type StepNodeData = { kind: GraphNodeKind; label: string; detail?: string; connector?: string; scope?: string };
export type StepFlowNode = Node<StepNodeData, 'step'>;

const KIND_LABEL: Record<GraphNodeKind, string> = { trigger: 'Trigger', map: 'Map', call: 'Call', filter: 'Filter', if: 'If', foreach: 'For each', unknown: 'Step' };

/** A step's record; steps inside foreach/if are recorded as `each[3].postTag` or `branch.then.x`. */
function recordOf(steps: StepRecord[] | undefined, id: string): StepRecord | undefined {
  if (!steps) return undefined;
  const exact = steps.find((r) => r.id === id);
  if (exact) return exact;
  const nested = steps.filter((r) => r.id.endsWith(`.${id}`));
  if (!nested.length) return undefined;
  // Several iterations: show the worst outcome and the total time.
  const worst = nested.find((r) => r.status === 'failed') ?? nested.find((r) => r.status === 'succeeded') ?? nested[0]!;
  return { ...worst, durationMs: nested.reduce((t, r) => t + r.durationMs, 0) };
}

function StepNodeView({ id, data, selected }: NodeProps<StepFlowNode>) {
  const steps = useEditor((s) => s.flow?.lastRun?.steps);
  const record = recordOf(steps, id);
  const errors = useEditor((s) => s.flow?.problems.filter((p) => p.stepId === id && p.severity === 'error').length ?? 0);
  const status = id === 'trigger' ? undefined : record?.status ?? (useEditor.getState().flow?.lastRun ? 'not run' : undefined);
  return (
    <div className={`step-node kind-${data.kind} ${selected ? 'selected' : ''}`} data-testid={`node-${id}`} aria-label={`${KIND_LABEL[data.kind]} ${data.label}`}>
      {data.kind !== 'trigger' && <Handle type="target" position={Position.Top} />}
      <div className="step-node-head">
        <span className="kind">{KIND_LABEL[data.kind]}</span>
        {data.connector && <span className="badge connector">{data.connector}</span>}
        {errors > 0 && (
          <span className="badge failed" title={`${errors} problem(s)`}>
            {errors} ⚠
          </span>
        )}
        {status && (
          <span className={`badge ${badgeOf(status)}`} data-testid={`node-status-${id}`}>
            {status}
            {record ? ` · ${ms(record.durationMs)}` : ''}
          </span>
        )}
      </div>
      <div className="step-node-label">{data.label}</div>
      {data.detail && <div className="step-node-detail">{data.detail}</div>}
      {data.scope && <div className="badge scope">{data.scope}</div>}
      <Handle type="source" id="next" position={Position.Bottom} />
      {data.kind === 'if' && (
        <>
          <Handle type="source" id="then" position={Position.Left} className="branch" title="then" />
          <Handle type="source" id="else" position={Position.Right} className="branch" title="else" />
        </>
      )}
      {data.kind === 'foreach' && <Handle type="source" id="each" position={Position.Right} className="branch" title="each item" />}
    </div>
  );
}

export const StepNode = memo(StepNodeView);
