import { useState } from 'react';
import type { FieldNode } from '../../mapping/field-tree';
import { jsonataPath } from '../../mapping/path-writer';
import type { SourceGroup } from '../../mapping/source-fields';
import { shortJson } from './mapping-values';

/** Left side of the mapping editor: drag a field, or select it (click / Enter) and then pick a target. */
export const FIELD_MIME = 'application/x-splice-field';

function FieldRow({ group, node, depth, picked, onPick }: { group: SourceGroup; node: FieldNode; depth: number; picked?: string; onPick: (e: string) => void }) {
  const [open, setOpen] = useState(depth < 2);
  const expr = jsonataPath(group.root, node.path);
  return (
    <li>
      <div className="field-row" style={{ paddingLeft: depth * 12 }}>
        {node.children.length > 0 ? (
          <button type="button" className="toggle" aria-label={open ? 'Collapse' : 'Expand'} aria-expanded={open} onClick={() => setOpen(!open)}>
            {open ? '▾' : '▸'}
          </button>
        ) : (
          <span className="toggle" />
        )}
        <button
          type="button"
          className={`field source ${picked === expr ? 'picked' : ''}`}
          draggable
          aria-pressed={picked === expr}
          data-testid={`source-${expr}`}
          title={`${expr}\nDrag onto a target field, or press Enter here and then on a target field.`}
          onDragStart={(e) => {
            e.dataTransfer.setData(FIELD_MIME, expr);
            e.dataTransfer.setData('text/plain', expr);
            e.dataTransfer.effectAllowed = 'copy';
          }}
          onClick={() => onPick(expr)}
        >
          <span className="field-key">{node.key}</span>
          <span className="type">{node.type === 'array' ? `${node.itemType ?? 'any'}[]` : node.type}</span>
          {node.example !== undefined && <span className="example">{shortJson(node.example, 28)}</span>}
        </button>
      </div>
      {open && node.children.length > 0 && (
        <ul>
          {node.children.map((c) => (
            <FieldRow key={c.key} group={group} node={c} depth={depth + 1} picked={picked} onPick={onPick} />
          ))}
        </ul>
      )}
    </li>
  );
}

export function SourcePanel({ groups, picked, onPick }: { groups: SourceGroup[]; picked?: string; onPick: (e: string | undefined) => void }) {
  return (
    <div className="mapping-sources" aria-label="Source fields">
      <h3>Source</h3>
      {groups.map((g) => (
        <section key={jsonataPath(g.root, [])}>
          <h4>
            {g.label} <code>{jsonataPath(g.root, [])}</code>
          </h4>
          {g.fields.length === 0 ? (
            <p className="muted small">No fields known yet{g.root.kind === 'step' ? ': test-run the flow to see this step’s output' : g.root.kind === 'event' ? ': add a sample event to the trigger' : ''}.</p>
          ) : (
            <ul className="field-tree">
              {g.fields.map((n) => (
                <FieldRow key={n.key} group={g} node={n} depth={0} picked={picked} onPick={(e) => onPick(picked === e ? undefined : e)} />
              ))}
            </ul>
          )}
        </section>
      ))}
    </div>
  );
}
