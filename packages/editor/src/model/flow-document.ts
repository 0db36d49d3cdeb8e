import { mergeLines } from './merge-lines';
import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode, type ToStringOptions, YAMLSeq } from 'yaml';

/**
 * The flow's YAML file as an editable yaml Document. Every visual edit (graph, inspector, mapping) is a
 * minimal Document edit (setIn/deleteIn/splice of one node), so `toString()` keeps every comment, the key
 * order and the formatting of untouched parts: users never lose a hand-written comment to the canvas.
 */
export type YamlPath = (string | number)[];

export interface TextPosition {
  line: number; // 1-based
  col: number; // 1-based
}

export interface YamlProblem extends TextPosition {
  message: string;
  code: string;
}

/** How the source was written, detected so the re-stringified text keeps the same shape. */
function detectFormat(text: string): ToStringOptions {
  const lines = text.split(/\r?\n/);
  let indent = 0;
  let indentSeq: boolean | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    const lead = line.length - line.trimStart().length;
    if (lead > 0 && (indent === 0 || lead < indent)) indent = lead;
    // A key that opens a block, followed by a `- ` item: is the item indented under the key?
    if (indentSeq === undefined && /^\s*[^\s#-][^#]*:\s*(#.*)?$/.test(line)) {
      const next = lines.slice(i + 1).find((l) => l.trim() && !l.trimStart().startsWith('#'));
      if (next && next.trimStart().startsWith('- ')) indentSeq = next.length - next.trimStart().length > lead;
    }
  }
  return { indent: indent || 2, indentSeq: indentSeq ?? true, lineWidth: 0, minContentWidth: 0 };
}

/** Parse a path written as `steps[2].with.body.tagIds` or as a JSON pointer `/steps/2/with/body/tagIds`. */
export function parsePath(path: string | YamlPath): YamlPath {
  if (Array.isArray(path)) return path;
  if (path === '' || path === '/') return [];
  if (path.startsWith('/')) {
    return path
      .slice(1)
      .split('/')
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  }
  const out: YamlPath = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}

/** `steps[2].with.body` for messages. */
export function formatPath(path: YamlPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

export class FlowDocument {
  private readonly doc: Document.Parsed;
  private readonly lines: LineCounter;
  private readonly format: ToStringOptions;
  /** The text this document was parsed from; `toString()` equals it until the first edit. */
  private source: string;
  /** The library's rendering before the first edit: the base of the three-way merge in toString(). */
  private base: string | undefined;

  private constructor(text: string) {
    this.lines = new LineCounter();
    this.doc = parseDocument(text, { lineCounter: this.lines, keepSourceTokens: false, prettyErrors: false });
    this.format = detectFormat(text);
    this.source = text;
  }

  static parse(text: string): FlowDocument {
    return new FlowDocument(text);
  }

  /** YAML syntax errors with their line and column; the document is not editable visually while any exist. */
  get problems(): YamlProblem[] {
    return [...this.doc.errors, ...this.doc.warnings].map((e) => {
      const pos = this.lines.linePos(e.pos[0]);
      return { message: e.message.split('\n')[0]!, code: e.code, line: pos.line, col: pos.col };
    });
  }

  get hasSyntaxErrors(): boolean {
    return this.doc.errors.length > 0;
  }

  /** The flow as plain data (what the graph, inspector and validation read). */
  toJS(): Record<string, unknown> {
    const v = this.doc.toJS({ maxAliasCount: 100 }) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  }

  toString(): string {
    if (this.base === undefined) return this.source;
    // Merge line by line on LF; a file written with CRLF gets CRLF back.
    const crlf = this.source.includes('\r\n');
    const merged = mergeLines(this.base, crlf ? this.source.replace(/\r\n/g, '\n') : this.source, this.doc.toString(this.format));
    return crlf ? merged.replace(/\n/g, '\r\n') : merged;
  }

  get(path: YamlPath): unknown {
    const v = this.doc.getIn(path, false) as unknown;
    return isNode(v) ? v.toJSON() : v;
  }

  has(path: YamlPath): boolean {
    return this.doc.hasIn(path);
  }

  /** Set one value. An existing scalar keeps its node (and so its comments); missing parents are created. */
  set(path: YamlPath, value: unknown): void {
    if (path.length === 0) throw new Error('FlowDocument.set needs a non-empty path');
    if (this.doc.contents === null) this.touch();
    if (this.doc.contents === null) this.doc.contents = this.doc.createNode({}) as never;
    const current = this.doc.getIn(path, true);
    if (isScalar(current) && (value === null || typeof value !== 'object')) {
      if (current.value === value) return;
      this.touch();
      current.value = value;
      // A value that changes type must not keep a quoting style that would change its meaning.
      if (typeof value !== 'string') current.type = undefined;
    } else {
      this.touch();
      this.doc.setIn(path, this.doc.createNode(value));
    }
  }

  /** Remove a key or a sequence item; empty parent maps the edit created are left for the user to see. */
  delete(path: YamlPath): boolean {
    if (!this.doc.hasIn(path)) return false;
    this.touch();
    return this.doc.deleteIn(path);
  }

  /** Insert a value into the sequence at `seqPath` (created when missing) at `index` (end when omitted). */
  insert(seqPath: YamlPath, value: unknown, index?: number): void {
    this.touch();
    const node = isNode(value) ? value : this.doc.createNode(value);
    const seq = this.seqAt(seqPath);
    seq.items.splice(index ?? seq.items.length, 0, node as never);
  }

  /**
   * Move a sequence item (with its comments) to another place. `toIndex` counts in the target sequence
   * before the item is removed, so moving within one sequence behaves like a drag.
   */
  move(fromPath: YamlPath, toSeqPath: YamlPath, toIndex: number): void {
    const fromSeqPath = fromPath.slice(0, -1);
    const fromIndex = fromPath[fromPath.length - 1];
    if (typeof fromIndex !== 'number') throw new Error(`not a sequence item: ${formatPath(fromPath)}`);
    const fromSeq = this.doc.getIn(fromSeqPath, true);
    if (!isSeq(fromSeq) || !fromSeq.items[fromIndex]) throw new Error(`no item at ${formatPath(fromPath)}`);
    this.touch();
    const targetSeq = this.seqAt(toSeqPath);
    const [node] = fromSeq.items.splice(fromIndex, 1);
    let index = toIndex;
    if (targetSeq === fromSeq && fromIndex < toIndex) index -= 1;
    targetSeq.items.splice(Math.max(0, Math.min(index, targetSeq.items.length)), 0, node);
    if (fromSeq.items.length === 0 && fromSeqPath.length > 1) this.doc.deleteIn(fromSeqPath);
  }

  /** Where a path is in the text: its key when it has one, else the nearest existing ancestor. */
  locate(pathLike: string | YamlPath): TextPosition | undefined {
    const path = parsePath(pathLike);
    for (let n = path.length; n >= 0; n--) {
      const pos = this.offsetOf(path.slice(0, n));
      if (pos !== undefined) return this.lines.linePos(pos);
    }
    return undefined;
  }

  /** The text range (offsets) of the node at `path`, for highlighting in the YAML view. */
  rangeOf(path: YamlPath): [number, number] | undefined {
    const node = this.doc.getIn(path, true);
    return isNode(node) && node.range ? [node.range[0], node.range[1]] : undefined;
  }

  private offsetOf(path: YamlPath): number | undefined {
    if (path.length === 0) return isNode(this.doc.contents) ? this.doc.contents.range?.[0] : undefined;
    const parent = this.doc.getIn(path.slice(0, -1), true);
    const last = path[path.length - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isPair(p) && (isScalar(p.key) ? p.key.value : p.key) === last);
      const key = pair?.key;
      if (isNode(key) && key.range) return key.range[0];
      if (isNode(pair?.value) && (pair.value as YamlNode).range) return (pair.value as YamlNode).range![0];
      return undefined;
    }
    if (isSeq(parent) && typeof last === 'number') {
      const item = parent.items[last];
      return isNode(item) && item.range ? item.range[0] : undefined;
    }
    return undefined;
  }

  private seqAt(path: YamlPath): YAMLSeq {
    const existing = path.length === 0 ? this.doc.contents : this.doc.getIn(path, true);
    if (isSeq(existing)) return existing;
    if (existing !== undefined && existing !== null) throw new Error(`${formatPath(path)} is not a list`);
    const seq = new YAMLSeq(this.doc.schema);
    this.doc.setIn(path, seq);
    return seq;
  }

  /** Called before every mutation: remember how the library renders the untouched document. */
  private touch(): void {
    this.base ??= this.doc.toString(this.format);
  }
}
