import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CliUsageError } from '../command';
import { ExitCode } from '../exit-codes';

/**
 * Expands `splice validate` arguments: files as given, directories recursively to their `*.yaml`/`*.yml`
 * flows (flow test files `*.test.yaml`, dot-dirs and node_modules are skipped). A missing path is a usage error.
 */
export async function expandFlowPaths(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const info = await stat(p).catch(() => undefined);
    if (!info)
      throw new CliUsageError(`${p}: no such file or directory. Give flow files (.yaml) or directories holding them.`, ExitCode.USAGE);
    if (info.isDirectory()) out.push(...(await walk(p)));
    else out.push(p);
  }
  return out;
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(dir, e.name);
    if (e.isDirectory()) {
      if (!e.name.startsWith('.') && e.name !== 'node_modules') out.push(...(await walk(full)));
    } else if (/\.ya?ml$/.test(e.name) && !/\.test\.ya?ml$/.test(e.name)) out.push(full);
  }
  return out;
}
