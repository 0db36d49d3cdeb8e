import type { Command } from 'commander';
import {
  CredentialStore,
  LocationTokens,
  TokenRefresher,
  credentialKinds,
  getKind,
  parseMasterKey,
  testCredential,
  MASTER_KEY_ENV,
  type CredentialInfo,
} from '@splice/server/credentials/index';
import { EnvironmentStore } from '@splice/server/environments/environment-store';
import { CliUsageError, type CliIO, type RegisterCommand } from '../command';
import { ExitCode } from '../exit-codes';
import { registerCredentialLocations } from './credential-locations';
import { addFieldOptions, collectValues, dataDirOf, parseScopes } from './credential-options';

type Opts = Record<string, unknown> & { dataDir?: string; json?: boolean };

/**
 * Opens the credential store of the data dir; a data dir that cannot hold it (a file, a read-only or
 * missing parent, no permission) is an environment error (exit 3) that names the dir and the fix.
 */
export async function openCredentialStore(dataDir: string): Promise<CredentialStore> {
  try {
    return await CredentialStore.open({ dataDir });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    const why: Record<string, string> = {
      EEXIST: 'it is a file, not a directory',
      ENOTDIR: 'a part of its path is a file, not a directory',
      EACCES: 'permission denied',
      EPERM: 'permission denied',
      EROFS: 'the file system is read-only',
      SQLITE_CANTOPEN: 'the database file cannot be opened there',
      SQLITE_READONLY: 'the database file is read-only',
    };
    if (why[code]) {
      throw new CliUsageError(`data dir ${dataDir} cannot be used (${why[code]}). Pass --data-dir <a writable directory> or set SPLICE_DATA_DIR.`, ExitCode.ENVIRONMENT);
    }
    throw err;
  }
}

async function withStore<T>(opts: Opts, fn: (store: CredentialStore) => Promise<T>): Promise<T> {
  const store = await openCredentialStore(dataDirOf(opts));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Metadata lines for `show` (and `add`/`rotate` confirmations): never a secret, only which secret fields are set. */
function describe(info: CredentialInfo): string {
  const kind = getKind(info.kind);
  const lines = [
    `name:       ${info.name}`,
    `kind:       ${info.kind} (${kind.title})`,
    `connector:  ${info.connector}`,
    `status:     ${info.status}${info.statusReason ? ` (${info.statusReason}${info.statusAt ? ` at ${info.statusAt}` : ''})` : ''}`,
    ...(info.reconnectHint ? [`reconnect:  ${info.reconnectHint}`] : []),
    `version:    ${info.activeVersion}`,
    ...(info.scopes ? [`scopes:     ${info.scopes.join(' ') || '(none)'}`] : []),
    ...(info.expiresAt ? [`expires:    ${info.expiresAt}`] : []),
    ...Object.entries(info.meta).map(([k, v]) => `${`${k}:`.padEnd(12)}${v}`),
    `secrets:    ${kind.fields
      .filter((f) => f.secret)
      .map((f) => f.name)
      .join(', ')} (encrypted, never shown)`,
    `created:    ${info.createdAt}`,
    `updated:    ${info.updatedAt}`,
  ];
  return `${lines.join('\n')}\n`;
}

function dataDirOption(cmd: Command): Command {
  return cmd.option('--data-dir <dir>', 'data dir (default $SPLICE_DATA_DIR or .splice)');
}

export const registerCredentials: RegisterCommand = (program: Command, io: CliIO) => {
  const creds = program
    .command('credentials')
    .description('Store, inspect, test and rotate credentials (secrets are encrypted at rest and never printed)');

  addFieldOptions(dataDirOption(creds.command('add <name>')))
    .description(
      'Add a credential. Secrets come from stdin (--token-stdin, --<field>-stdin) or the environment (--from-env VAR, --<field>-env VAR), never from argv.',
    )
    .requiredOption('--kind <kind>', credentialKinds.map((k) => k.kind).join(' | '))
    .option('--json', 'print metadata as JSON')
    .addHelpText(
      'after',
      `
Examples:
  printf %s "$GHL_PIT" | splice credentials add ghl-main --kind highlevel-pit --token-stdin --location-id <loc> --scopes "socialplanner/post.readonly socialplanner/tag.readonly"
  splice credentials add payaca-main --kind payaca-api-key --client-id <id> --from-env PAYACA_CLIENT_SECRET
  splice credentials add payaca-hooks --kind payaca-webhook-secret --from-env PAYACA_WEBHOOK_SECRET
  splice credentials add ghl-hooks --kind highlevel-webhook-key --public-key-stdin < highlevel-webhook.pem
  printf %s "$PIT_A" | splice credentials add ghl-pits --kind highlevel-pit-locations --token-stdin --location-id <loc A> --location-name "Shop A"
  (OAuth connections: splice auth login highlevel --name ghl-oauth ...; agencies: splice auth login highlevel --agency --name ghl-agency ...)`,
    )
    .action(async (name: string, opts: Opts) => {
      const kind = getKind(String(opts.kind));
      const values = await collectValues(kind, opts);
      // A group of tokens may start empty (`credentials locations add` fills it); every other kind needs its secret.
      if (values[kind.primarySecret] === undefined && kind.locations !== 'grouped') {
        throw new CliUsageError(
          `${kind.kind} needs its ${kind.primarySecret}: pipe it in with --token-stdin or name a variable with --from-env VAR.`,
        );
      }
      const info = await withStore(opts, (store) =>
        store.add({
          name,
          kind: kind.kind,
          values,
          scopes: parseScopes(opts.scopes as string | undefined),
          ...(opts.connector ? { connector: String(opts.connector) } : {}),
        }),
      );
      io.out(opts.json ? `${JSON.stringify(info, null, 2)}\n` : `added ${info.name} (${info.kind}, version ${info.activeVersion})\n`);
    });

  dataDirOption(creds.command('list'))
    .description('List credentials (metadata only)')
    .option('--json', 'print JSON')
    .action(async (opts: Opts) => {
      const list = await withStore(opts, (s) => s.list());
      if (opts.json) return io.out(`${JSON.stringify({ credentials: list }, null, 2)}\n`);
      if (!list.length) return io.out('no credentials yet: add one with `splice credentials add <name> --kind <kind>`\n');
      const rows = [['NAME', 'KIND', 'CONNECTOR', 'STATUS', 'VERSION', 'EXPIRES', 'SCOPES']];
      for (const c of list)
        rows.push([c.name, c.kind, c.connector, c.status, String(c.activeVersion), c.expiresAt ?? '-', c.scopes?.join(' ') ?? '-']);
      const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
      io.out(`${rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n')}\n`);
    });

  dataDirOption(creds.command('show <name>'))
    .description('Show a credential (never prints a secret)')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: Opts) => {
      const info = await withStore(opts, (s) => s.get(name));
      io.out(opts.json ? `${JSON.stringify(info, null, 2)}\n` : describe(info));
    });

  dataDirOption(creds.command('test <name>'))
    .description("Call a harmless endpoint with the credential (HighLevel: the location's tags; Payaca: customers)")
    .option('--base-url <url>', 'API base URL, e.g. the sandbox (default: the production API)')
    .option('--environment <name>', "use this environment's base URL for the credential's connector (staging | production)")
    .option('--location <id>', 'agency connections and token groups: test this location (its token, its tags)')
    .action(async (name: string, opts: Opts) => {
      const result = await withStore(opts, async (store) => {
        let baseUrl = opts.baseUrl as string | undefined;
        if (!baseUrl && opts.environment) {
          const info = await store.get(name);
          baseUrl = (await new EnvironmentStore(store.db).get(String(opts.environment))).baseUrls[info.connector];
          if (!baseUrl)
            throw new CliUsageError(`environment ${String(opts.environment)} has no base URL for ${info.connector}; pass --base-url.`);
        }
        const refresher = new TokenRefresher({ store });
        return testCredential({ store, refresher, locationTokens: new LocationTokens({ store, refresher }), name, baseUrl, ...(opts.location ? { locationId: String(opts.location) } : {}) });
      });
      io.out(`${result.ok ? 'ok' : 'FAILED'}: ${result.target}: ${result.message}\n`);
      if (!result.ok) io.setExit(ExitCode.FAILED);
    });

  addFieldOptions(dataDirOption(creds.command('rotate <name>')))
    .description('Give a credential a new secret version; runs in flight keep the version they started with')
    .action(async (name: string, opts: Opts) => {
      const info = await withStore(opts, async (store) => {
        const cur = await store.get(name);
        const values = await collectValues(getKind(cur.kind), opts);
        if (!Object.values(values).some((v) => v !== undefined)) {
          throw new CliUsageError(`nothing to rotate: give the new secret with --token-stdin or --from-env VAR (or --<field>-env VAR).`);
        }
        return store.rotate(name, values, { ...(opts.scopes ? { scopes: parseScopes(String(opts.scopes)) } : {}) });
      });
      io.out(`rotated ${info.name}: version ${info.activeVersion} is active\n`);
    });

  dataDirOption(creds.command('remove <name>'))
    .description('Delete a credential and all its versions')
    .action(async (name: string, opts: Opts) => {
      await withStore(opts, (s) => s.remove(name));
      io.out(`removed ${name}\n`);
    });

  registerCredentialLocations(creds, io, withStore);

  dataDirOption(creds.command('rotate-key'))
    .description(
      `Re-encrypt every secret under a new master key in one transaction (key file: replaced; ${MASTER_KEY_ENV}: give the new key with --new-key-env)`,
    )
    .option('--new-key-env <VAR>', `environment variable holding the new key (needed when ${MASTER_KEY_ENV} is used)`)
    .action(async (opts: Opts) => {
      const usingEnv = !!process.env[MASTER_KEY_ENV];
      const newVar = opts.newKeyEnv as string | undefined;
      if (usingEnv && !newVar) {
        throw new CliUsageError(
          `the master key comes from ${MASTER_KEY_ENV}: make a new one (\`openssl rand -base64 32\`), put it in a variable and pass --new-key-env VAR.`,
        );
      }
      const newKey = newVar ? parseMasterKey(process.env[newVar] ?? '', `environment variable ${newVar}`) : undefined;
      const r = await withStore(opts, (s) => s.rotateKey(newKey));
      io.out(`re-encrypted ${r.reencrypted} secret version(s): master key ${r.oldKeyId} → ${r.newKeyId}\n`);
      if (usingEnv)
        io.out(`now set ${MASTER_KEY_ENV} to the value of ${newVar} everywhere Splice runs; the old key no longer decrypts anything.\n`);
    });
};
