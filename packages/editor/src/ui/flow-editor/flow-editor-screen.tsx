import { ReactFlowProvider } from '@xyflow/react';
import { useEffect, useState } from 'react';
import { DeployBar } from '../../pages/deploy/deploy-bar';
import { useEditor } from '../../store/store';
import { Canvas } from './canvas';
import { Inspector } from './inspector';
import { MappingEditor } from './mapping-editor';
import { Palette } from './palette';
import { RunPanel } from './run-panel';
import { YamlPanel } from './yaml-panel';

type SideTab = 'inspector' | 'yaml' | 'run';

function Toolbar() {
  const f = useEditor((s) => s.flow);
  const environment = useEditor((s) => s.environment);
  const environments = useEditor((s) => s.environments);
  const { save, testRun, autoLayout, setEnvironment, validateRemote } = useEditor.getState();
  if (!f) return null;
  const meta = (f.data.metadata ?? {}) as { title?: string; name?: string };
  const errors = f.problems.filter((p) => p.severity === 'error').length + f.yamlProblems.length + f.serverIssues.errors.length;
  const dirty = f.text !== f.savedText;
  return (
    <div className="toolbar" role="toolbar" aria-label="Flow">
      <h1 title={meta.name}>
        {meta.title ?? meta.name ?? 'Untitled flow'} {dirty && <span className="muted" title="unsaved changes">●</span>}
      </h1>
      <span className={`badge ${errors ? 'failed' : 'ok'}`} data-testid="problem-count">
        {errors ? `${errors} problem${errors > 1 ? 's' : ''}` : 'valid'}
      </span>
      <label className="env-picker">
        Environment
        <select value={environment} onChange={(e) => (setEnvironment(e.target.value as 'staging' | 'production'), void validateRemote())}>
          {(environments.length ? environments.map((e) => e.name) : ['staging', 'production']).map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <button type="button" onClick={() => void autoLayout()}>
        Auto-layout
      </button>
      <button type="button" onClick={() => void save()} disabled={f.saving || (!dirty && f.id !== undefined)} data-testid="save">
        {f.saving ? 'Saving…' : 'Save'}
      </button>
      <button type="button" className="primary" onClick={() => void testRun()} disabled={f.running} data-testid="test-run">
        {f.running ? 'Running…' : 'Test run'}
      </button>
    </div>
  );
}

export function FlowEditorScreen({ flowId }: { flowId?: string }) {
  const ready = useEditor((s) => s.flow !== undefined);
  const selected = useEditor((s) => s.selected);
  const selectedKind = useEditor((s) => s.flow?.graph.nodes.find((n) => n.id === s.selected)?.kind);
  const text = useEditor((s) => s.flow?.text);
  const lastRun = useEditor((s) => s.flow?.lastRun);
  const hasFacts = useEditor((s) => s.operationFacts.size > 0);
  const { openFlow, newFlow, refreshPreview, save, setText } = useEditor.getState();
  const [center, setCenter] = useState<'canvas' | 'mapping'>('canvas');
  const [side, setSide] = useState<SideTab>('inspector');

  useEffect(() => {
    if (flowId) void openFlow(flowId);
    else newFlow();
    // Leaving the editor forgets the flow, so the next one never shows this one's run or preview.
    return () => useEditor.setState({ flow: undefined, selected: undefined, preview: undefined });
  }, [flowId, openFlow, newFlow]);
  // Validation needs the catalog: re-derive once it has loaded.
  useEffect(() => {
    const f = useEditor.getState().flow;
    if (f && hasFacts) {
      setText(`${f.text} `);
      setText(f.text);
    }
  }, [hasFacts, setText]);
  useEffect(() => refreshPreview(), [selected, text, lastRun, refreshPreview]);
  useEffect(() => {
    if (selectedKind === undefined || selectedKind === 'trigger') setCenter('canvas');
  }, [selectedKind]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key === 's') {
        e.preventDefault();
        void save();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [save]);
  useEffect(() => {
    if (lastRun) setSide('run');
  }, [lastRun]);
  useEffect(() => {
    const onUnload = (e: BeforeUnloadEvent) => {
      const f = useEditor.getState().flow;
      if (f && f.text !== f.savedText) e.preventDefault();
    };
    window.addEventListener('beforeunload', onUnload);
    return () => window.removeEventListener('beforeunload', onUnload);
  }, []);

  if (!ready) return <section className="screen">Loading flow…</section>;
  const mappable = selected && selectedKind && selectedKind !== 'trigger';
  return (
    <div className="flow-editor">
      <Toolbar />
      <DeployBar />
      <div className={`editor-body ${center === 'mapping' ? 'mapping-mode' : ''}`}>
        {center === 'canvas' && <Palette />}
        <div className="center">
          <div className="tabs" role="tablist">
            <button type="button" role="tab" aria-selected={center === 'canvas'} onClick={() => setCenter('canvas')}>
              Canvas
            </button>
            <button type="button" role="tab" aria-selected={center === 'mapping'} disabled={!mappable} onClick={() => setCenter('mapping')} data-testid="tab-mapping">
              Mapping{mappable ? `: ${selected}` : ''}
            </button>
          </div>
          {center === 'canvas' ? (
            <ReactFlowProvider>
              <Canvas />
            </ReactFlowProvider>
          ) : (
            selected && <MappingEditor stepId={selected} />
          )}
        </div>
        <aside className="side">
          <div className="tabs" role="tablist">
            {(['inspector', 'yaml', 'run'] as const).map((t) => (
              <button key={t} type="button" role="tab" aria-selected={side === t} onClick={() => setSide(t)} data-testid={`tab-${t}`}>
                {t === 'inspector' ? 'Inspector' : t === 'yaml' ? 'YAML' : 'Test run'}
              </button>
            ))}
          </div>
          {side === 'inspector' && <Inspector onOpenMapping={() => setCenter('mapping')} />}
          {side === 'yaml' && <YamlPanel />}
          {side === 'run' && <RunPanel />}
        </aside>
      </div>
    </div>
  );
}
