/** Exit codes of `splice`, documented in `splice --help`. One table; commands import from here. */
export const ExitCode = {
  OK: 0,
  /** The input was read but is wrong: invalid flow, failed run, failed flow test, failed credential test. */
  FAILED: 1,
  /** The command line itself is wrong: unknown command or option, missing argument, unreadable file. */
  USAGE: 2,
  /** Splice could not do its job: data dir not writable, server or sandbox unreachable, internal error. */
  ENVIRONMENT: 3,
  /** Interrupted (Ctrl-C / SIGINT). */
  INTERRUPTED: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export const exitCodeHelp = `
Exit codes:
  0    success
  1    the input is wrong or the work failed: invalid flow, failed run, failed flow test
  2    usage error: unknown command or option, missing argument, unreadable file
  3    environment error: data dir not writable, server or sandbox unreachable, internal error
  130  interrupted`;
