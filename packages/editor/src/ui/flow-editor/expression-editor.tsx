import { useEffect, useRef, useState } from 'react';
import { CodeEditor } from '../../codemirror/code-editor';
import { jsonataExtensions, type CompletionSource } from '../../codemirror/jsonata-language';

/**
 * A JSONata expression field (CodeMirror 6, highlighting, completion of the source field names). Changes
 * are committed after a short pause so every keystroke does not become a YAML edit, but the preview
 * still follows as you type.
 */
export interface ExpressionEditorProps {
  value: string;
  onCommit: (value: string) => void;
  sources: () => CompletionSource[];
  ariaLabel: string;
  testId?: string;
  multiline?: boolean;
}

export function ExpressionEditor({ value, onCommit, sources, ariaLabel, testId, multiline }: ExpressionEditorProps) {
  const [draft, setDraft] = useState(value);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const commitRef = useRef(onCommit);
  commitRef.current = onCommit;
  const sourcesRef = useRef(sources);
  sourcesRef.current = sources;
  // Only a change made elsewhere (a drop, the YAML view) replaces the draft; our own commit coming back does not.
  const committed = useRef(value);
  useEffect(() => {
    if (value !== committed.current) {
      // A change from elsewhere wins over typing not yet committed (it came later).
      clearTimeout(timer.current);
      committed.current = value;
      setDraft(value);
    }
  }, [value]);
  useEffect(() => () => clearTimeout(timer.current), []);
  const extensions = useRef(jsonataExtensions({ sources: () => sourcesRef.current() })).current;
  return (
    <CodeEditor
      className={`expression-editor ${multiline ? 'multiline' : ''}`}
      value={draft}
      ariaLabel={ariaLabel}
      testId={testId}
      extensions={extensions}
      onChange={(v) => {
        setDraft(v);
        clearTimeout(timer.current);
        timer.current = setTimeout(() => {
          committed.current = v;
          commitRef.current(v);
        }, 250);
      }}
    />
  );
}
