import { CliUsageError } from '../command';
import { ExitCode } from '../exit-codes';

/** commander collector for repeatable options (`--env A=1 --env B=2`); no default, so help shows none. */
export const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** `['a=1', 'b=x=y']` → `{ a: '1', b: 'x=y' }`; a pair without a name or `=` is a usage error naming the flag. */
export function keyValues(pairs: string[] | undefined, flag: string, shape = 'KEY=VALUE'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new CliUsageError(`${flag} expects ${shape}, got "${pair}".`, ExitCode.USAGE);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}
