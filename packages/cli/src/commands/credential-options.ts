import type { Command } from 'commander';
import { credentialKinds, type CredentialKind } from '@splice/server/credentials/index';
import { CliUsageError } from '../command';

/** `locationId` → `location-id` (flag) / `locationId` (commander's attribute name). */
export const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Flags derived from the kinds' declared fields: plain fields take a value; secret fields come from env or stdin only. */
export function addFieldOptions(cmd: Command): Command {
  cmd
    .option('--token-stdin', "read the kind's main secret from stdin (token, client secret, key ...)")
    .option('--from-env <VAR>', "read the kind's main secret from environment variable VAR")
    .option('--scopes <scopes>', 'scopes the credential grants, space- or comma-separated')
    .option('--connector <id>', 'connector the credential is for (generic kinds)');
  const seen = new Set<string>(['token']);
  for (const k of credentialKinds) {
    for (const f of k.fields) {
      if (seen.has(f.name)) continue;
      seen.add(f.name);
      if (f.secret) {
        cmd.option(`--${kebab(f.name)}-env <VAR>`, `read ${f.name} from environment variable VAR`);
        cmd.option(`--${kebab(f.name)}-stdin`, `read ${f.name} from stdin`);
      } else {
        cmd.option(`--${kebab(f.name)} <value>`, f.description);
      }
    }
  }
  cmd.option('--token-env <VAR>', 'read token from environment variable VAR');
  return cmd;
}

export function parseScopes(s: string | undefined): string[] | undefined {
  return s === undefined ? undefined : s.split(/[\s,]+/).filter(Boolean);
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Paste the secret, then press Enter and Ctrl-D:\n');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Collect field values for a kind from the parsed options. At most one secret may come from stdin. */
export async function collectValues(
  kind: CredentialKind,
  opts: Record<string, unknown>,
  env = process.env,
): Promise<Record<string, string | undefined>> {
  const values: Record<string, string | undefined> = {};
  const stdinFields = new Set<string>();
  const fromEnv = (v: string, field: string) => {
    const x = env[v];
    if (x === undefined || x === '') throw new CliUsageError(`environment variable ${v} (for ${field}) is not set or empty.`);
    return x;
  };
  for (const f of kind.fields) {
    const camel = f.name.charAt(0).toLowerCase() + f.name.slice(1);
    if (f.secret) {
      const envVar = opts[`${camel}Env`] as string | undefined;
      if (envVar) values[f.name] = fromEnv(envVar, f.name);
      if (opts[`${camel}Stdin`]) stdinFields.add(f.name);
    } else if (opts[camel] !== undefined) values[f.name] = String(opts[camel]);
  }
  if (opts.fromEnv) values[kind.primarySecret] = fromEnv(String(opts.fromEnv), kind.primarySecret);
  if (opts.tokenStdin) stdinFields.add(kind.primarySecret);
  const fromStdin = [...stdinFields];
  if (fromStdin.length > 1)
    throw new CliUsageError(
      `only one secret can come from stdin (asked for ${fromStdin.join(', ')}); pass the others with --<field>-env VAR.`,
    );
  if (fromStdin[0]) {
    const s = await readStdin();
    if (!s)
      throw new CliUsageError(
        `stdin was empty: pipe the ${fromStdin[0]} in, e.g. \`printf %s "$TOKEN" | splice credentials add ... --token-stdin\`.`,
      );
    values[fromStdin[0]] = s;
  }
  // Fields of other kinds given on the command line are a mistake worth naming.
  const own = new Set(kind.fields.map((f) => f.name));
  for (const k of credentialKinds)
    for (const f of k.fields) {
      const camel = f.name;
      if (own.has(f.name)) continue;
      if (opts[camel] !== undefined || opts[`${camel}Env`] !== undefined || (camel !== 'token' && opts[`${camel}Stdin`] !== undefined)) {
        throw new CliUsageError(`--${kebab(f.name)} does not apply to kind ${kind.kind}; its fields are ${[...own].join(', ')}.`);
      }
    }
  return values;
}

export function dataDirOf(opts: { dataDir?: string }): string {
  return opts.dataDir ?? process.env.SPLICE_DATA_DIR ?? '.splice';
}
