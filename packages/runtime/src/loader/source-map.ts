import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { SourceLocation } from '../errors';

export type FieldPath = (string | number)[];

/**
 * Maps field paths (and offsets inside string values) of a parsed flow back to file:line:col, using the
 * yaml Document API's node ranges. When a path does not exist (a missing field), the nearest existing
 * ancestor is used, so every error still points somewhere useful.
 */
export class SourceMap {
  constructor(
    private readonly doc: Document.Parsed,
    private readonly source: string,
    private readonly lines: LineCounter,
    private readonly file?: string,
  ) {}

  at(offset: number): SourceLocation {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, col };
  }

  /** Location of the value at `path` (or of its nearest existing ancestor). */
  locate(path: FieldPath): SourceLocation | undefined {
    const found = this.find(path);
    const node = found.node ?? found.keyNode;
    return node?.range ? this.at(node.range[0]) : undefined;
  }

  /** Location of the key of the last path segment (for "unknown field"), else of the value. */
  locateKey(path: FieldPath): SourceLocation | undefined {
    const found = this.find(path);
    const node = found.exact && found.keyNode ? found.keyNode : (found.node ?? found.keyNode);
    return node?.range ? this.at(node.range[0]) : undefined;
  }

  /**
   * Location of character `offset` inside the string value at `path` (e.g. where a JSONata error sits).
   * Aligns the value with its source text, skipping quotes, indentation, folded line breaks and escapes.
   */
  locateInString(path: FieldPath, offset: number): SourceLocation | undefined {
    const found = this.find(path);
    const node = found.node;
    if (!found.exact || !node || !isScalar(node) || typeof node.value !== 'string' || !node.range) return this.locate(path);
    const value = node.value;
    const [start, end] = node.range;
    const double = node.type === 'QUOTE_DOUBLE';
    let src = start;
    if (double || node.type === 'QUOTE_SINGLE') src += 1;
    if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') src = this.source.indexOf('\n', start) + 1 || start;
    for (let i = 0; i < Math.min(offset, value.length); i++) {
      // A double-quoted escape (`\n`, `\"`, `\u00e9`) is one character of the value.
      const escape = double ? escapeLength(this.source, src) : 0;
      if (escape > 0) {
        src += escape;
        continue;
      }
      const probe = this.probe(src, end, value[i]!);
      src = probe !== undefined ? probe + 1 : src + 1;
    }
    // Land on the character itself, past indentation, a line break or the rest of an escape (`''`).
    const target = value[offset];
    if (target !== undefined && !/\s/.test(target) && !(double && escapeLength(this.source, src) > 0)) src = this.probe(src, end, target) ?? src;
    return this.at(Math.min(src, Math.max(start, end - 1)));
  }

  /** The next position (within a short window) holding `ch`: indentation or a folded line break is skipped. */
  private probe(from: number, end: number, ch: string): number | undefined {
    for (let p = from; p < end && p - from < 200; p++) if (this.source[p] === ch) return p;
    return undefined;
  }

  private find(path: FieldPath): { node?: Node; keyNode?: Node; exact: boolean } {
    let node: unknown = this.doc.contents;
    let keyNode: Node | undefined;
    let last: Node | undefined = this.doc.contents ?? undefined;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) return { node: last, exact: false };
        keyNode = pair.key as Node;
        node = pair.value;
        last = (pair.value as Node | null) ?? keyNode;
      } else if (isSeq(node) && typeof seg === 'number' && node.items[seg] !== undefined) {
        keyNode = undefined;
        node = node.items[seg];
        last = node as Node;
      } else {
        return { node: last, exact: false };
      }
    }
    return { node: (node as Node | null) ?? undefined, keyNode, exact: true };
  }
}

/** `steps[2].with.body` style path for messages and SpliceError.path. */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${seg}` : seg;
  return out || '(flow)';
}

/** Length of the escape sequence at `at` in a double-quoted YAML scalar (0: none; a `\` line continuation is no character). */
function escapeLength(source: string, at: number): number {
  if (source[at] !== '\\') return 0;
  const next = source[at + 1];
  if (next === undefined || next === '\n' || next === '\r') return 0;
  return next === 'x' ? 4 : next === 'u' ? 6 : next === 'U' ? 10 : 2;
}
