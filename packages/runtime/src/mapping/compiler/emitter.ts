import { notCompiled, type AstNode } from './ast';
import { BUILTIN_NAMES } from './builtins/catalog';

/**
 * State of one compilation: the constants array the generated code closes over (every literal, field
 * name and AST-derived object goes there, so the generated source holds only compiler-written text), the
 * JavaScript function body being written, and the JSONata frames (variable scopes) around the current
 * point.
 */
export class Frame {
  /** JSONata variable name → JavaScript identifier, for the names this frame binds. */
  readonly vars = new Map<string, string>();
  /** Names bound before the current point on every path (no "not yet bound" check needed). */
  readonly assigned = new Set<string>();
  /** The AST nodes of the frame's body (set by declareFrame). */
  body: AstNode[] = [];
  constructor(
    readonly parent: Frame | undefined,
    /** The JavaScript parameter holding the context of the call (lambda frames): see tailCall. */
    readonly callContext?: string,
  ) {}
}

export type Kind = 'boolean' | 'string' | 'number';

export class Emitter {
  readonly constants: unknown[] = [];
  private readonly constantIndex = new Map<unknown, number>();
  private counter = 0;
  lines: string[] = [];
  frame: Frame;
  /** Free `$names` the code reads as jsonata built-ins: a binding of that name makes the run fall back. */
  readonly builtinNames = new Set<string>();
  usesTimestamp = false;
  /** The expression can make function values, so a result is checked for them (they stay the interpreter's). */
  makesFunctions = false;
  /** The lambda about to be emitted is an argument of a built-in that only calls it (emit-call.ts). */
  consumeNextLambda = false;
  /** Temporaries known to hold a value of one type (lets predicates and conditions skip fn.boolean). */
  private readonly kinds = new Map<string, Kind>();

  /** emit-node.ts emitNode, installed by program.ts (the emit modules recurse through it, not imports). */
  node: (n: AstNode, input: string) => string = () => notCompiled('emitter not set up');

  constructor() {
    this.frame = new Frame(undefined);
  }

  /** `K[i]` for a constant (strings and numbers are shared). */
  constant(value: unknown): string {
    const shareable = typeof value === 'string' || typeof value === 'number';
    if (shareable && this.constantIndex.has(value)) return `K[${this.constantIndex.get(value)}]`;
    const index = this.constants.push(value) - 1;
    if (shareable) this.constantIndex.set(value, index);
    return `K[${index}]`;
  }

  name(prefix = 't'): string {
    return `${prefix}${this.counter++}`;
  }

  emit(line: string): void {
    this.lines.push(line);
  }

  /**
   * `const tN = expr;` and tN, or `expr` itself when it is a temporary or a constant. Temporaries (`t…`) are
   * never assigned once their value is handed out; frame variables (`v…`) can be, by a later `:=`, so a
   * read of one is copied.
   */
  value(expr: string, kind?: Kind): string {
    if (/^(?:t\d+|K\[\d+\]|true|false|null|undefined)$/.test(expr)) {
      if (kind) this.kinds.set(expr, kind);
      return expr;
    }
    const t = this.name();
    this.emit(`const ${t} = ${expr};`);
    if (kind) this.kinds.set(t, kind);
    return t;
  }

  variable(): string {
    const t = this.name();
    this.emit(`let ${t};`);
    return t;
  }

  kindOf(expr: string): Kind | undefined {
    if (expr === 'true' || expr === 'false') return 'boolean';
    return this.kinds.get(expr);
  }

  setKind(expr: string, kind: Kind): void {
    this.kinds.set(expr, kind);
  }

  /** Writes a JavaScript function body with its own lines; returns them. */
  body(write: () => void): string[] {
    const saved = this.lines;
    this.lines = [];
    try {
      write();
      return this.lines;
    } finally {
      this.lines = saved;
    }
  }

  inFrame<T>(frame: Frame, write: () => T): T {
    const saved = this.frame;
    this.frame = frame;
    try {
      return write();
    } finally {
      this.frame = saved;
    }
  }

  /** The JavaScript expression reading `$name` here, following JSONata's frames outwards. */
  lookup(name: string): string {
    const parts: string[] = [];
    for (let f: Frame | undefined = this.frame; f; f = f.parent) {
      const js = f.vars.get(name);
      if (js === undefined) continue;
      if (f.assigned.has(name)) return parts.length === 0 ? js : `${parts.join('')}${js}${')'.repeat(parts.length)}`;
      parts.push(`(${js} !== UNSET ? ${js} : `);
    }
    const free = this.freeVariable(name);
    return parts.length === 0 ? free : `${parts.join('')}${free}${')'.repeat(parts.length)}`;
  }

  /** True when `$name` here is certainly not bound by the expression itself. */
  isFree(name: string): boolean {
    for (let f: Frame | undefined = this.frame; f; f = f.parent) if (f.vars.has(name)) return false;
    return true;
  }

  /** A variable the expression does not bind: the caller's bindings, `$$`, or a jsonata built-in. */
  freeVariable(name: string): string {
    if (name === '$') return 'ROOT';
    if (BUILTIN_NAMES.has(name) || name === 'now' || name === 'millis') this.makesFunctions = true; // a built-in as a value
    return `free(B, ${this.constant(name)})`;
  }

  /** The JavaScript variable a `:=` in the current frame assigns. */
  bindTarget(name: string): string {
    const js = this.frame.vars.get(name);
    if (js === undefined) return notCompiled('assignment outside the frame it was found in');
    return js;
  }
}
