import { useMemo, useState } from 'react';
import type { CatalogTrigger } from '@splice/server/api/contract';
import type { NewStepSpec } from '../../model/flow-edits';
import { useEditor } from '../../store/store';

/**
 * Searchable palette of triggers and actions from GET /api/catalog, grouped by connector, each with the
 * OAuth scope it needs. Drag an item onto the canvas (onto a node: it runs after that node), or focus it
 * and press Enter to add it after the selected node.
 */
export const PALETTE_MIME = 'application/x-splice-node';

export interface PaletteItem {
  key: string;
  title: string;
  subtitle?: string;
  scope?: string;
  step?: NewStepSpec;
  trigger?: CatalogTrigger;
}

export function decodePaletteItem(raw: string): PaletteItem | undefined {
  try {
    return raw ? (JSON.parse(raw) as PaletteItem) : undefined;
  } catch {
    return undefined;
  }
}

const LOGIC: PaletteItem[] = [
  { key: 'map', title: 'Map', subtitle: 'shape data with a JSONata mapping', step: { type: 'map' } },
  { key: 'filter', title: 'Filter', subtitle: 'stop the run unless a condition holds', step: { type: 'filter' } },
  { key: 'if', title: 'If / else', subtitle: 'branch on a condition', step: { type: 'if' } },
  { key: 'foreach', title: 'For each', subtitle: 'repeat steps for every item of a list', step: { type: 'foreach' } },
];
const BUILTIN_TRIGGERS: PaletteItem[] = [
  { key: 'trigger-manual', title: 'Manual / API call', subtitle: 'run from the editor, CLI or POST /api/flows/:id/runs', trigger: { id: 'manual', type: 'manual', title: 'Manual' } },
  { key: 'trigger-schedule', title: 'Schedule', subtitle: 'run on a cron schedule', trigger: { id: 'schedule', type: 'schedule', title: 'Schedule' } },
];

export function Palette() {
  const catalog = useEditor((s) => s.catalog);
  const addNode = useEditor((s) => s.addNode);
  const setTriggerFrom = useEditor((s) => s.setTriggerFrom);
  const [query, setQuery] = useState('');
  const groups = useMemo(() => {
    const all: Array<{ title: string; items: PaletteItem[] }> = [
      { title: 'Triggers', items: [...BUILTIN_TRIGGERS, ...catalog.flatMap((c) => c.triggers.filter((t) => t.type === 'webhook').map((t) => ({ key: `trigger-${t.id}`, title: t.title, subtitle: t.description ?? `${c.title} webhook`, trigger: t })))] },
      { title: 'Logic', items: LOGIC },
      ...catalog.map((c) => ({
        title: c.title,
        items: c.operations.map((op) => ({ key: op.id, title: c.operations.some((o) => o !== op && o.title === op.title) && op.apiVersion ? `${op.title} (${op.apiVersion})` : op.title, subtitle: op.method && op.path ? `${op.method} ${op.path}` : op.id, scope: op.scope, step: { type: 'call' as const, uses: op.id, connector: c.id === 'core' ? undefined : c.id } })),
      })),
    ];
    const q = query.trim().toLowerCase();
    if (!q) return all;
    return all
      .map((g) => ({ ...g, items: g.items.filter((i) => `${g.title} ${i.title} ${i.subtitle ?? ''} ${i.scope ?? ''} ${i.key}`.toLowerCase().includes(q)) }))
      .filter((g) => g.items.length);
  }, [catalog, query]);
  const use = (item: PaletteItem) => (item.trigger ? setTriggerFrom(item.trigger) : item.step && addNode(item.step));
  return (
    <aside className="palette" aria-label="Palette">
      <input type="search" placeholder="Search triggers and actions" aria-label="Search the palette" value={query} onChange={(e) => setQuery(e.target.value)} data-testid="palette-search" />
      <div className="palette-groups">
        {groups.map((g) => (
          <details key={g.title} open={g.title === 'Triggers' || g.title === 'Logic' || query.length > 0 || g.items.length < 12}>
            <summary>
              {g.title} <span className="muted">{g.items.length}</span>
            </summary>
            <ul>
              {g.items.map((item) => (
                <li key={item.key}>
                  <button
                    type="button"
                    className="palette-item"
                    draggable
                    data-testid={`palette-${item.key}`}
                    title={`${item.subtitle ?? ''}\nDrag onto the canvas, or press Enter to add after the selected node.`}
                    onDragStart={(e) => {
                      e.dataTransfer.setData(PALETTE_MIME, JSON.stringify(item));
                      e.dataTransfer.effectAllowed = 'copy';
                    }}
                    onClick={() => use(item)}
                  >
                    <span className="palette-title">{item.title}</span>
                    {item.scope && <span className="badge scope">{item.scope}</span>}
                    {item.subtitle && <span className="palette-sub">{item.subtitle}</span>}
                  </button>
                </li>
              ))}
            </ul>
          </details>
        ))}
      </div>
    </aside>
  );
}
