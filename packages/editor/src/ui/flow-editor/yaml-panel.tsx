import { yaml } from '@codemirror/lang-yaml';
import { forceLinting, linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import { EditorView } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { useEffect, useRef } from 'react';
import { CodeEditor } from '../../codemirror/code-editor';
import { FlowDocument } from '../../model/flow-document';
import { useEditor, type EditorState } from '../../store/store';

/**
 * The flow as YAML, side by side with the canvas. Typing here replaces the text (the canvas follows);
 * canvas edits arrive as minimal changes. Problems show inline at their line: YAML syntax, the flow
 * schema and editor checks (local), and the server's validation (POST /api/validate).
 */
function diagnostics(state: EditorState, view: EditorView): Diagnostic[] {
  const f = state.flow;
  if (!f) return [];
  const text = view.state.doc.toString();
  if (text !== f.text) return [];
  const doc = FlowDocument.parse(text);
  const lines = view.state.doc;
  const at = (line: number, col = 1) => {
    const l = lines.line(Math.max(1, Math.min(line, lines.lines)));
    return Math.min(l.from + Math.max(0, col - 1), l.to);
  };
  const out: Diagnostic[] = [];
  const push = (pos: number, severity: Diagnostic['severity'], message: string, source: string) => {
    const line = lines.lineAt(pos);
    if (!out.some((d) => d.from === pos && d.message === message)) out.push({ from: pos, to: Math.max(pos, line.to), severity, message, source });
  };
  for (const p of f.yamlProblems) push(at(p.line, p.col), 'error', p.message, 'yaml');
  if (f.yamlProblems.some((p) => p.code !== 'BAD_INDENT' || true) && doc.hasSyntaxErrors) return out;
  for (const p of f.problems) {
    const loc = doc.locate(p.path);
    if (loc) push(at(loc.line, loc.col), p.severity, p.message, 'editor');
  }
  for (const [issues, severity] of [[f.serverIssues.errors, 'error'], [f.serverIssues.warnings, 'warning']] as const) {
    for (const i of issues) {
      const loc = i.location ?? (i.path ? doc.locate(i.path) : undefined);
      if (!loc || out.some((d) => d.message === i.message)) continue;
      push(at(loc.line, loc.col), severity, `${i.message}${i.help ? ` ${i.help}` : ''}`, 'server');
    }
  }
  return out;
}

export function YamlPanel() {
  const text = useEditor((s) => s.flow?.text ?? '');
  const problems = useEditor((s) => s.flow?.problems);
  const server = useEditor((s) => s.flow?.serverIssues);
  const setText = useEditor((s) => s.setText);
  const view = useRef<EditorView | undefined>(undefined);
  const extensions = useRef([basicSetup, yaml(), EditorView.lineWrapping, lintGutter(), linter((v) => diagnostics(useEditor.getState(), v), { delay: 200 })]).current;
  useEffect(() => {
    if (view.current) forceLinting(view.current);
  }, [problems, server]);
  // Selecting a node on the canvas reveals its YAML.
  const selected = useEditor((s) => s.selected);
  useEffect(() => {
    const v = view.current;
    const f = useEditor.getState().flow;
    const node = f?.graph.nodes.find((n) => n.id === selected);
    if (!v || !f || !node) return;
    const loc = FlowDocument.parse(f.text).locate(node.path);
    if (!loc || loc.line > v.state.doc.lines) return;
    v.dispatch({ effects: EditorView.scrollIntoView(v.state.doc.line(loc.line).from, { y: 'start', yMargin: 40 }) });
  }, [selected]);
  return (
    <div className="yaml-panel" data-testid="yaml-panel">
      <CodeEditor className="yaml-editor" value={text} onChange={setText} extensions={extensions} ariaLabel="Flow YAML" onView={(v) => (view.current = v)} testId="yaml-editor" />
    </div>
  );
}
