import { Command, CommanderError } from 'commander';
import { CliUsageError, type CliIO } from './command';
import { commands } from './commands/index';
import { ExitCode, exitCodeHelp } from './exit-codes';

export function createProgram(io: CliIO): Command {
  const program = new Command('splice')
    .description('Splice: connect Payaca with the Users API (HighLevel Social Planner). Validate, run and serve flows.')
    .version('0.1.0')
    .showHelpAfterError('(run `splice --help` for usage)')
    .addHelpText('after', exitCodeHelp)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  for (const register of commands) register(program, io);
  return program;
}

/** Runs the CLI and returns the exit code. User errors print one line, never a stack trace. */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  let exit: number = ExitCode.OK;
  const cli: CliIO = { ...io, setExit: (code) => (exit = code) };
  const program = createProgram(cli);
  try {
    await program.parseAsync(argv);
    return exit;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
    }
    if (err instanceof CliUsageError) {
      io.err(`error: ${err.message}\n`);
      return err.exitCode;
    }
    const e = err as { code?: string; message?: string; format?: () => string };
    if (typeof e?.format === 'function') {
      io.err(`error: ${e.format()}\n`);
      return ExitCode.FAILED;
    }
    io.err(`internal error: ${e?.message ?? String(err)}\n`);
    if (process.env.SPLICE_DEBUG) io.err(`${(err as Error)?.stack ?? ''}\n`);
    return ExitCode.ENVIRONMENT;
  }
}

/**
 * `splice ... | head`: once the reader goes away, further output has nowhere to go. Exit quietly with 0,
 * as Unix tools do on SIGPIPE, instead of crashing with an unhandled EPIPE.
 */
function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(ExitCode.OK);
    throw err;
  });
}

function processIO(): CliIO {
  exitQuietlyOnClosedPipe(process.stdout);
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    setExit: () => {},
  };
}
