import { main } from '../../packages/cli/src/main';

/**
 * `splice ...` run in-process (fast, and the test can read what it prints while it runs). For the real
 * process, with stdin and exit status, see runCliProcess in test/credentials/helpers.ts.
 */

/** Starts `splice ...`; `out`/`err` collect everything printed as it is printed, `done` gives the exit code. */
export function runCli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const done = main(['node', 'splice', ...args], { out: (t) => void out.push(t), err: (t) => void err.push(t), setExit: () => {} });
  return { out, err, done, text: () => out.join('') + err.join('') };
}

/** Runs `splice ...` to its end: the exit code and what it printed on each stream. */
export async function runCliToEnd(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const cli = runCli(args);
  const code = await cli.done;
  return { code, out: cli.out.join(''), err: cli.err.join('') };
}
