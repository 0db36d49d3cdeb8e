import type { Command } from 'commander';
import { ExitCode } from './exit-codes';

/**
 * A CLI command lives in its own file under commands/ and exports `register(program, io)`.
 * Actions return an exit code instead of calling process.exit, so tests can run `main()` in-process.
 */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Set by an action; read by main() once commander finishes. */
  setExit(code: ExitCode): void;
}

export type RegisterCommand = (program: Command, io: CliIO) => void;

/** Thrown by commands for a user error that should print one clear line and exit with `code`. */
export class CliUsageError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.USAGE,
  ) {
    super(message);
  }
}
