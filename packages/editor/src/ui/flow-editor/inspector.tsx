import { useEffect, useState } from 'react';
import { resolveSchema } from '../../mapping/field-tree';
import { findStep } from '../../mapping/source-fields';
import { useEditor } from '../../store/store';
import { CredentialPicker } from './credential-picker';
import { ExpressionEditor } from './expression-editor';
import { SchemaForm } from './schema-form';
import { TriggerInspector } from './trigger-inspector';

/** The selected node's settings; every change is one Document edit of the YAML. */
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function TextSetting({ label, value, onCommit, placeholder }: { label: string; value: string; onCommit: (v: string) => void; placeholder?: string }) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const id = `setting-${label.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <div className="form-row">
      <label htmlFor={id}>{label}</label>
      <input id={id} value={draft} placeholder={placeholder} onChange={(e) => setDraft(e.target.value)} onBlur={() => draft !== value && onCommit(draft)} onKeyDown={(e) => e.key === 'Enter' && draft !== value && onCommit(draft)} />
    </div>
  );
}

export function Inspector({ onOpenMapping }: { onOpenMapping: () => void }) {
  const selected = useEditor((s) => s.selected);
  const data = useEditor((s) => s.flow?.data);
  const graph = useEditor((s) => s.flow?.graph);
  const problems = useEditor((s) => s.flow?.problems);
  const operations = useEditor((s) => s.operations);
  const { setField, deleteField, rename, removeNode, connect } = useEditor.getState();
  if (!data || !graph) return null;
  if (!selected) {
    return (
      <div className="inspector empty">
        <p>Select a node on the canvas to edit it, or drag an action from the palette.</p>
        <p className="muted small">Keyboard: Tab to a palette item and press Enter to add it after the selected node; Delete removes the selected node.</p>
      </div>
    );
  }
  if (selected === 'trigger') return <TriggerInspector />;
  const node = graph.nodes.find((n) => n.id === selected);
  const step = findStep(data.steps, selected);
  if (!node || !step) return null;
  const p = node.path;
  const op = typeof step.uses === 'string' ? operations.get(step.uses) : undefined;
  const input = (op?.inputSchema ?? {}) as Obj;
  const props = isObj(input.properties) ? input.properties : {};
  const mine = (problems ?? []).filter((x) => x.stepId === selected);
  const setOrDelete = (key: string, v: string) => (v.trim() ? setField([...p, key], v) : deleteField([...p, key]));
  return (
    <div className="inspector" data-testid="inspector">
      <h3>
        {step.type === 'call' ? 'Call' : String(step.type)} step <code>{selected}</code>
      </h3>
      {mine.map((m) => (
        <p key={m.message} className={m.severity === 'error' ? 'error' : 'warning'}>
          {m.message}
        </p>
      ))}
      <TextSetting label="Step id" value={selected} onCommit={(v) => rename(selected, v)} />
      <TextSetting label="Name" value={String(step.name ?? '')} onCommit={(v) => setOrDelete('name', v)} placeholder="shown on the canvas" />
      <div className="form-row">
        <label htmlFor="runs-after" title="The keyboard alternative to connecting nodes on the canvas">
          Runs after
        </label>
        <select id="runs-after" value={graph.edges.find((e) => e.target === selected && e.kind === 'next')?.source ?? ''} onChange={(e) => e.target.value && connect(e.target.value, selected, 'next')}>
          <option value="">—</option>
          {graph.nodes
            .filter((n) => n.id !== selected)
            .map((n) => (
              <option key={n.id} value={n.id}>
                {n.id === 'trigger' ? 'the trigger (runs first)' : n.id}
              </option>
            ))}
        </select>
      </div>
      {step.type === 'call' && (
        <>
          <div className="op-info">
            <strong>{op?.title ?? String(step.uses)}</strong>
            {op?.method && (
              <div>
                <code>
                  {op.method} {op.path}
                </code>
              </div>
            )}
            {op?.scope && <span className="badge scope">{op.scope}</span>}
            {op?.description && <p className="muted small">{op.description}</p>}
          </div>
          {op && op.connector !== 'core' && <CredentialPicker stepPath={p} connector={op.connector} value={typeof step.credential === 'string' ? step.credential : undefined} />}
          {op?.paginated && (
            <div className="form-row">
              <label htmlFor="paginate">Fetch every page</label>
              <input id="paginate" type="checkbox" checked={step.paginate === true} onChange={(e) => (e.target.checked ? setField([...p, 'paginate'], true) : deleteField([...p, 'paginate']))} />
            </div>
          )}
          {(['params', 'query', 'body', 'headers'] as const).filter((s) => s in props && !(s === 'body' && isObj(step.with) && typeof step.with.body === 'string')).map((s) => (
            <SchemaForm key={s} label={s === 'params' ? 'Path parameters' : s === 'query' ? 'Query' : s === 'body' ? 'Body' : 'Headers'} schema={resolveSchema(props[s], input)} root={input} value={isObj(step.with) ? step.with[s] : undefined} path={[...p, 'with', s]} />
          ))}
          <button type="button" className="primary" onClick={onOpenMapping} data-testid="open-mapping">
            Map fields…
          </button>
          <TextSetting label="Run only when" value={String(step.when ?? '')} onCommit={(v) => setOrDelete('when', v)} placeholder="JSONata condition (optional)" />
          <TextSetting label="Timeout" value={String(step.timeout ?? '')} onCommit={(v) => setOrDelete('timeout', v)} placeholder="e.g. 30s" />
          <TextSetting label="Max attempts" value={String((step.retry as Obj | undefined)?.maxAttempts ?? '')} onCommit={(v) => (v.trim() ? setField([...p, 'retry', 'maxAttempts'], Number(v)) : deleteField([...p, 'retry']))} placeholder="default 3" />
        </>
      )}
      {step.type !== 'call' && (
        <>
          <label>{step.type === 'map' ? 'Expression' : step.type === 'foreach' ? 'Items' : 'Condition'}</label>
          <ExpressionEditor
            multiline
            value={String(step[step.type === 'map' ? 'expression' : step.type === 'foreach' ? 'items' : 'condition'] ?? '')}
            onCommit={(v) => setField([...p, step.type === 'map' ? 'expression' : step.type === 'foreach' ? 'items' : 'condition'], v)}
            sources={() => []}
            ariaLabel="Step expression"
          />
          <button type="button" onClick={onOpenMapping}>
            Open in the mapping editor
          </button>
        </>
      )}
      <hr />
      <button type="button" className="danger" onClick={() => removeNode(selected)}>
        Delete step
      </button>
    </div>
  );
}
