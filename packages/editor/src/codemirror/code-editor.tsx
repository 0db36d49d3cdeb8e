import { EditorState, type Extension } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { useEffect, useRef } from 'react';

/**
 * A CodeMirror 6 view bound to a string. Outside changes to `value` replace the text (keeping the cursor
 * where possible) without echoing back through `onChange`; typing calls `onChange`.
 */
export interface CodeEditorProps {
  value: string;
  onChange?: (value: string) => void;
  extensions: Extension[];
  className?: string;
  ariaLabel: string;
  /** Receives the view, e.g. to jump to a line. */
  onView?: (view: EditorView | undefined) => void;
  testId?: string;
}

export function CodeEditor({ value, onChange, extensions, className, ariaLabel, onView, testId }: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | undefined>(undefined);
  const changeRef = useRef(onChange);
  changeRef.current = onChange;

  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          ...extensions,
          EditorView.contentAttributes.of({ 'aria-label': ariaLabel }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged && !u.transactions.some((t) => t.annotation(External))) changeRef.current?.(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    onView?.(v);
    return () => {
      onView?.(undefined);
      v.destroy();
      view.current = undefined;
    };
    // The extensions are fixed for the life of the view; callers remount with a key to change them.
  }, []);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const current = v.state.doc.toString();
    if (current === value) return;
    // Replace only the differing middle, so the cursor and scroll stay put for edits made elsewhere.
    let start = 0;
    while (start < current.length && start < value.length && current[start] === value[start]) start++;
    let endOld = current.length;
    let endNew = value.length;
    while (endOld > start && endNew > start && current[endOld - 1] === value[endNew - 1]) {
      endOld--;
      endNew--;
    }
    v.dispatch({ changes: { from: start, to: endOld, insert: value.slice(start, endNew) }, annotations: External.of(true) });
  }, [value]);

  return <div ref={host} className={className} data-testid={testId} />;
}

import { Annotation } from '@codemirror/state';
/** Marks transactions that come from a new `value` prop rather than from typing. */
const External = Annotation.define<boolean>();
