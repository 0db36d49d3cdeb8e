import { autocompletion, type Completion, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { HighlightStyle, StreamLanguage, syntaxHighlighting } from '@codemirror/language';
import { EditorView, keymap } from '@codemirror/view';
import { tags as t } from '@lezer/highlight';
import type { Extension } from '@codemirror/state';
import type { FieldNode } from '../mapping/field-tree';
import { jsonataPath, quoteKey, type SourceRoot } from '../mapping/path-writer';

/** JSONata in CodeMirror 6: highlighting (a stream tokenizer) and completion of field names and functions. */
const jsonataStream = StreamLanguage.define<{ inComment: boolean }>({
  startState: () => ({ inComment: false }),
  token(stream, state) {
    if (state.inComment) {
      if (stream.skipTo('*/')) {
        stream.pos += 2;
        state.inComment = false;
      } else stream.skipToEnd();
      return 'comment';
    }
    if (stream.eatSpace()) return null;
    if (stream.match('/*')) {
      state.inComment = true;
      return 'comment';
    }
    if (stream.match(/^"(?:[^"\\]|\\.)*"?/) || stream.match(/^'(?:[^'\\]|\\.)*'?/)) return 'string';
    if (stream.match(/^`[^`]*`?/)) return 'propertyName';
    if (stream.match(/^-?\d+(\.\d+)?([eE][+-]?\d+)?/)) return 'number';
    if (stream.match(/^\$[A-Za-z_][A-Za-z0-9_]*/)) return 'variableName';
    if (stream.match(/^\$/)) return 'variableName';
    if (stream.match(/^(and|or|in|function|true|false|null)\b/)) return 'keyword';
    if (stream.match(/^[A-Za-z_][A-Za-z0-9_]*/)) return 'propertyName';
    if (stream.match(/^(:=|!=|<=|>=|~>|\.\.|\?:|\?\?|[-+*/%&=<>!?:.,;^~|#@])/)) return 'operator';
    stream.next();
    return 'bracket';
  },
  languageData: { commentTokens: { block: { open: '/*', close: '*/' } } },
});

const highlight = HighlightStyle.define([
  { tag: t.variableName, color: '#7c3aed', fontWeight: '600' },
  { tag: t.propertyName, color: '#0f5fa8' },
  { tag: t.string, color: '#0a7d38' },
  { tag: t.number, color: '#b45309' },
  { tag: t.keyword, color: '#be185d' },
  { tag: t.operator, color: '#525252' },
  { tag: t.comment, color: '#8a8a8a', fontStyle: 'italic' },
]);

const FUNCTIONS = ['string', 'number', 'boolean', 'count', 'sum', 'max', 'min', 'average', 'join', 'split', 'substring', 'uppercase', 'lowercase', 'trim', 'contains', 'replace', 'map', 'filter', 'reduce', 'keys', 'lookup', 'merge', 'sort', 'distinct', 'exists', 'now', 'millis', 'fromMillis', 'toMillis', 'append', 'reverse', 'each', 'not', 'round', 'floor', 'ceil', 'abs', 'type', 'formatNumber', 'pad'];

/** The roots and fields completion can offer (the mapping editor's source side). */
export interface CompletionSource {
  root: SourceRoot;
  label: string;
  fields: FieldNode[];
}

function complete(sources: () => CompletionSource[]) {
  return (ctx: CompletionContext): CompletionResult | null => {
    const word = ctx.matchBefore(/\$[\w.`\s-]*$|\$?[\w]*$/);
    if (!word || (word.from === word.to && !ctx.explicit)) return null;
    const text = word.text;
    const lastDot = text.lastIndexOf('.');
    if (text.startsWith('$') && lastDot > 0) {
      // `$event.customer.` → the fields under that path
      const prefix = text.slice(0, lastDot);
      for (const s of sources()) {
        const options: Completion[] = [];
        const walk = (nodes: FieldNode[]) => {
          for (const n of nodes) {
            if (jsonataPath(s.root, n.path.slice(0, -1)) === prefix) options.push({ label: quoteKey(n.key), type: 'property', detail: n.type });
            walk(n.children);
          }
        };
        walk(s.fields);
        if (s.root.kind === 'step' && prefix === '$steps') options.push({ label: quoteKey(s.root.stepId), type: 'variable', detail: s.label });
        if (options.length) return { from: word.from + lastDot + 1, options, validFor: /^[\w`]*$/ };
      }
      if (prefix === '$steps') return { from: word.from + lastDot + 1, options: sources().filter((s) => s.root.kind === 'step').map((s) => ({ label: (s.root as { stepId: string }).stepId, type: 'variable' })) };
      return null;
    }
    const roots: Completion[] = [
      ...sources().map((s) => ({ label: jsonataPath(s.root, []), type: 'variable', detail: s.label })),
      ...FUNCTIONS.map((f) => ({ label: `$${f}`, type: 'function', apply: `$${f}(` })),
    ];
    return { from: word.from, options: roots, validFor: /^\$?[\w.]*$/ };
  };
}

export function jsonataExtensions(opts: { sources: () => CompletionSource[]; singleLine?: boolean; onSubmit?: () => void }): Extension[] {
  return [
    jsonataStream,
    syntaxHighlighting(highlight),
    autocompletion({ override: [complete(opts.sources)], activateOnTyping: true }),
    EditorView.lineWrapping,
    ...(opts.onSubmit ? [keymap.of([{ key: 'Mod-Enter', run: () => (opts.onSubmit!(), true) }])] : []),
  ];
}
