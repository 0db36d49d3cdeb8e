/**
 * How a `with` value shows in an expression field and how typed text goes back into the YAML: JSON
 * literals (`100`, `true`, `"text"`) stay literals; anything else is JSONata and is written as `=expr`.
 */
export function editorTextOf(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.startsWith('=') && !value.startsWith('==') ? value.slice(1) : JSON.stringify(value.startsWith('==') ? value.slice(1) : value);
  return JSON.stringify(value);
}

export function yamlValueOf(text: string): { remove: true } | { remove: false; value: unknown } {
  const t = text.trim();
  if (!t) return { remove: true };
  if (/^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null|"(?:[^"\\]|\\.)*")$/.test(t)) {
    const v = JSON.parse(t) as unknown;
    // A literal string that itself starts with `=` is escaped as `==` so it is not read as JSONata.
    return { remove: false, value: typeof v === 'string' && v.startsWith('=') ? `=${v}` : v };
  }
  return { remove: false, value: `=${t}` };
}

export function getIn(value: unknown, path: (string | number)[]): unknown {
  let cur = value;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return cur;
}

export function shortJson(v: unknown, max = 60): string {
  if (v === undefined) return '—';
  const s = JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
