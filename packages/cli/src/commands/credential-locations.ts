import type { Command } from 'commander';
import {
  LocationTokens,
  TokenRefresher,
  getKind,
  splitFields,
  type CredentialInfo,
  type CredentialStore,
  type LocationInfo,
} from '@splice/server/credentials/index';
import { CliUsageError, type CliIO } from '../command';
import { collectValues, parseScopes } from './credential-options';

type Opts = Record<string, unknown> & { dataDir?: string; json?: boolean };

/**
 * `splice credentials locations …`: the locations an agency connection (`highlevel-agency`) or a group
 * of private integration tokens (`highlevel-pit-locations`) serves. `list` and `sync` show names and
 * each location's token state, never a token; `add` reads a location's token from stdin or the
 * environment, as every secret.
 */
async function multi(store: CredentialStore, name: string): Promise<CredentialInfo> {
  const info = await store.get(name);
  if (!getKind(info.kind).locations) {
    throw new CliUsageError(
      `credential ${name} (${info.kind}) serves one location; locations belong to agency connections (splice auth login highlevel --agency) and groups of tokens (--kind highlevel-pit-locations).`,
    );
  }
  return info;
}

function tokenState(l: LocationInfo, kind: string): string {
  if (l.status !== 'installed') return '-';
  if (!l.hasToken) return 'none yet (obtained at the first call)';
  if (getKind(kind).locations === 'grouped') return 'stored';
  return l.expiresAt && Date.parse(l.expiresAt) <= Date.now() ? `expired ${l.expiresAt} (obtained again at the next call)` : `valid until ${l.expiresAt ?? '?'}`;
}

function table(info: CredentialInfo, locations: LocationInfo[]): string {
  if (!locations.length) return `${info.name} serves no locations yet.\n`;
  const rows = [['LOCATION', 'ID', 'STATUS', 'TOKEN']];
  for (const l of locations) rows.push([l.name ?? '-', l.locationId, l.status, tokenState(l, info.kind)]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return `${rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n')}\n`;
}

/** `withStore` opens the data dir's store for one command (credentials.ts owns how). */
export function registerCredentialLocations(
  creds: Command,
  io: CliIO,
  withStore: <T>(opts: Opts, fn: (s: CredentialStore) => Promise<T>) => Promise<T>,
): void {
  const locations = creds.command('locations').description('Locations of an agency connection or a group of private integration tokens');
  const dataDir = (c: Command) => c.option('--data-dir <dir>', 'data dir (default $SPLICE_DATA_DIR or .splice)');

  dataDir(locations.command('list <name>'))
    .description("The locations a credential serves, by name, with each one's token state (never a token)")
    .option('--json', 'print JSON')
    .action(async (name: string, opts: Opts) => {
      const { info, list } = await withStore(opts, async (s) => {
        const i = await multi(s, name);
        return { info: i, list: await s.locations.list(i.id) };
      });
      io.out(opts.json ? `${JSON.stringify({ credential: info.name, locations: list }, null, 2)}\n` : table(info, list));
    });

  dataDir(locations.command('sync <name>'))
    .description('Re-read where the agency app is installed (HighLevel GET /oauth/installedLocations) and list the locations')
    .action(async (name: string, opts: Opts) => {
      const out = await withStore(opts, async (s) => {
        const info = await multi(s, name);
        if (getKind(info.kind).locations !== 'agency') throw new CliUsageError(`${name} holds its own tokens; there is nothing to read from HighLevel.`);
        const refresher = new TokenRefresher({ store: s });
        const result = await new LocationTokens({ store: s, refresher }).sync(info);
        return { info, result, list: await s.locations.list(info.id) };
      });
      io.out(`${out.info.name}: ${out.result.installed} installed location(s); added ${out.result.added.length}, removed ${out.result.removed.length}\n`);
      io.out(table(out.info, out.list));
    });

  dataDir(locations.command('add <name>'))
    .description("Add (or replace) a location's private integration token in a group; the token comes from stdin or the environment")
    .requiredOption('--location-id <id>', 'the location (sub-account) the token belongs to')
    .option('--location-name <name>', 'its name, shown instead of the id')
    .option('--token-stdin', 'read the token from stdin')
    .option('--from-env <VAR>', 'read the token from environment variable VAR')
    .option('--scopes <scopes>', 'scopes the token was created with, space- or comma-separated')
    .action(async (name: string, opts: Opts) => {
      // Only the token is read as a secret; the location flags are this command's own.
      const values = await collectValues(getKind('highlevel-pit'), { tokenStdin: opts.tokenStdin, fromEnv: opts.fromEnv });
      if (!values.token) throw new CliUsageError('give the location\'s token with --token-stdin or --from-env VAR (never on the command line).');
      const locationId = String(opts.locationId);
      // The checks a PIT gets on its own (no line breaks or control characters).
      splitFields(getKind('highlevel-pit'), { token: values.token, locationId });
      const { info, list } = await withStore(opts, async (s) => {
        const i = await multi(s, name);
        if (getKind(i.kind).locations !== 'grouped') {
          throw new CliUsageError(`${name} is an agency connection: its locations come from HighLevel (install the app on ${locationId}, then \`splice credentials locations sync ${name}\`).`);
        }
        const scopes = parseScopes(opts.scopes as string | undefined);
        await s.transaction(async (tx) => {
          await s.locations.upsertInstalled(i.id, { locationId, ...(opts.locationName ? { name: String(opts.locationName) } : {}), source: 'added', ...(scopes ? { scopes } : {}) }, tx);
          await s.locations.writeToken(i.id, locationId, { token: values.token! }, tx);
        });
        return { info: i, list: await s.locations.list(i.id) };
      });
      io.out(`stored the token of location ${locationId} in ${info.name}\n`);
      io.out(table(info, list));
    });

  dataDir(locations.command('remove <name> <locationId>'))
    .description("Group: remove a location and its token. Agency: drop Splice's copy of the location's token (the next call obtains a new one)")
    .action(async (name: string, locationId: string, opts: Opts) => {
      const grouped = await withStore(opts, async (s) => {
        const i = await multi(s, name);
        if (!(await s.locations.get(i.id, locationId))) throw new CliUsageError(`${name} has no location ${locationId}; see \`splice credentials locations list ${name}\`.`);
        const g = getKind(i.kind).locations === 'grouped';
        if (g) await s.locations.remove(i.id, locationId);
        else await s.locations.dropToken(i.id, locationId);
        return g;
      });
      io.out(grouped ? `removed location ${locationId} from ${name}\n` : `dropped the cached token of location ${locationId}; the next call obtains a new one\n`);
    });
}
