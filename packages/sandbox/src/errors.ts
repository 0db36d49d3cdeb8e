/**
 * Errors of the sandbox package. The sandbox stands alone (it depends on no internal package), so it
 * carries its own small base class with the same fields as the runtime's SpliceError: a stable `code`,
 * `retryable`, `cause`, and a message that says how to fix the problem.
 */
export class SandboxError extends Error {
  readonly code: string;
  readonly retryable: boolean;

  constructor(code: string, message: string, opts: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = opts.retryable ?? false;
  }

  /** One line for CLI output (the CLI prints `format()` without a stack trace). */
  format(): string {
    return `${this.message} [${this.code}]`;
  }
}

/** A spec file is missing or unreadable: the sandbox cannot serve without its ground truth. */
export class SandboxSpecError extends SandboxError {}
/** A sandbox option, CLI flag or admin request is wrong. */
export class SandboxConfigError extends SandboxError {}
