/**
 * Every error a user can meet carries a stable `code` (documented in docs/errors.md), whether it is
 * worth retrying, and a message that says what is wrong, where, and how to fix it.
 * Retry decisions read `code`/`retryable`, never the message text.
 */
export interface SourceLocation {
  file?: string;
  line: number; // 1-based
  col: number; // 1-based
}

/**
 * Where in a step a run-time error arose: the step field holding the failing expression (relative to the
 * step, e.g. `['with', 'body', 'tagIds']`) and a 0-based character offset into that field's string value
 * (a `with` value's leading `=` counts). The engine sets it; the CLI maps it through the flow file's
 * source map to file:line:col, and the editor can underline it in the field itself.
 */
export interface ExpressionLocation {
  field: (string | number)[];
  offset: number;
}

export interface SpliceErrorOptions {
  retryable?: boolean;
  cause?: unknown;
  /** Where in a flow file the problem is. */
  location?: SourceLocation;
  /** Path of the offending field, e.g. `steps[2].with.body.tagIds`. */
  path?: string;
  /** Extra machine-readable facts (never secrets). */
  details?: Record<string, unknown>;
  /** The failing expression of a step (run-time mapping errors). */
  expression?: ExpressionLocation;
}

export class SpliceError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly location?: SourceLocation;
  readonly path?: string;
  readonly details?: Record<string, unknown>;
  readonly expression?: ExpressionLocation;

  constructor(code: string, message: string, opts: SpliceErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = opts.retryable ?? false;
    this.location = opts.location;
    this.path = opts.path;
    this.details = opts.details;
    this.expression = opts.expression;
  }

  /** `file:line:col: message` when a location is known, for CLI output. */
  format(): string {
    const loc = this.location;
    const where = loc ? `${loc.file ?? '<flow>'}:${loc.line}:${loc.col}: ` : this.path ? `${this.path}: ` : '';
    return `${where}${this.message} [${this.code}]`;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, retryable: this.retryable, location: this.location, path: this.path, details: this.details, expression: this.expression };
  }
}

export class FlowValidationError extends SpliceError {}
export class MappingError extends SpliceError {}
export class ActionError extends SpliceError {}
export class CredentialError extends SpliceError {}
export class ScopeError extends SpliceError {}
