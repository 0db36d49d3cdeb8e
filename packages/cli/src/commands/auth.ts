import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Option, type Command } from 'commander';
import { createConnectorRegistry } from '@splice/connectors';
import { loadFlowFile } from '@splice/runtime';
import {
  LocationTokens,
  OAuthLoginRegistry,
  TokenRefresher,
  createOAuthCallbackHandler,
  deriveFlowScopes,
  resolveLoginSettings,
  type CallbackOutcome,
} from '@splice/server/credentials/index';
import { CliUsageError, type CliIO, type RegisterCommand } from '../command';
import { ExitCode } from '../exit-codes';
import { dataDirOf, parseScopes } from './credential-options';
import { openCredentialStore } from './credentials';

type Opts = Record<string, string | undefined>;

const CALLBACK_PATH = '/oauth/callback';

async function secretFrom(opts: Opts): Promise<string | undefined> {

  if (opts.clientSecretEnv) {
    const v = process.env[opts.clientSecretEnv];
    if (!v) throw new CliUsageError(`environment variable ${opts.clientSecretEnv} (client secret) is not set or empty.`);
    return v;
  }
  if (opts.clientSecretStdin) {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8').trim() || undefined;
  }
  return undefined;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new CliUsageError(
              `port ${port} on 127.0.0.1 is in use: pass another --port (and register that redirect URI with the app).`,
              ExitCode.ENVIRONMENT,
            )
          : err,
      ),
    );
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** --scopes plus, with --scopes-from, every scope the flow's HighLevel call steps need (from the catalog). */
async function scopesToAsk(opts: Opts): Promise<string[] | undefined> {
  const given = parseScopes(opts.scopes) ?? [];
  if (!opts.scopesFrom) return given.length ? given : undefined;
  const parsed = await loadFlowFile(opts.scopesFrom);
  if (!parsed.flow) {
    throw new CliUsageError(
      `${opts.scopesFrom} is not a valid flow (${parsed.errors[0]?.format() ?? 'unreadable'}); run \`splice validate ${opts.scopesFrom}\`.`,
    );
  }
  const actions = createConnectorRegistry({ connectors: ['highlevel'] });
  const needed = deriveFlowScopes(parsed.flow, actions)
    .filter((n) => actions.get(n.uses)?.connector === 'highlevel')
    .map((n) => n.scope);
  if (!needed.length && !given.length)
    throw new CliUsageError(`${opts.scopesFrom} has no HighLevel call steps that need a scope; pass --scopes.`);
  return [...new Set([...given, ...needed])].sort();
}

export const registerAuth: RegisterCommand = (program: Command, io: CliIO) => {
  const auth = program.command('auth').description('Connect accounts with OAuth');
  auth
    .command('login <provider>')
    .description('Install the HighLevel app on a location (or with --agency for the whole agency): prints the install URL, waits for the callback on 127.0.0.1, stores the tokens')
    .requiredOption('--name <name>', 'credential name to store the connection as (an existing one is reconnected)')
    .option('--client-id <id>', 'OAuth client id (default: the one stored with --name)')
    // Refused, not dropped: a secret on the command line lands in `ps` and the shell history.
    .addOption(new Option('--client-secret <secret>').hideHelp())
    .option('--client-secret-env <VAR>', 'read the client secret from environment variable VAR')
    .option('--client-secret-stdin', 'read the client secret from stdin')
    .option('--scopes <scopes>', 'scopes to ask for, space- or comma-separated (default: the ones stored with --name)')
    .option('--scopes-from <flow.yaml>', "ask for exactly the scopes this flow's HighLevel steps need (added to --scopes)")
    .option(
      '--base-url <url>',
      'HighLevel API base, e.g. the sandbox: token endpoint <base>/oauth/token, install page <base>/oauth/chooselocation',
    )
    .option('--install-url <url>', 'install (chooselocation) page, overriding the default')
    .option('--user-type <type>', 'Location or Company (default Location; Company with --agency)')
    .option('--agency', 'install the app at agency (Company) level: one connection serving every installed location with a token each')
    .option('--port <port>', 'port of the local callback server on 127.0.0.1 (the redirect URI registered with the app)', '7181')
    .option('--timeout <seconds>', 'how long to wait for the callback', '300')
    .option('--data-dir <dir>', 'data dir (default $SPLICE_DATA_DIR or .splice)')
    .action(async (provider: string, opts: Opts) => {
      if (provider !== 'highlevel') throw new CliUsageError(`unknown provider ${provider}: only \`highlevel\` uses OAuth.`);
      if (opts.clientSecret !== undefined) {
        throw new CliUsageError('secrets are never taken from the command line (they show in `ps` and the shell history): use --client-secret-env VAR or --client-secret-stdin.');
      }
      const port = Number(opts.port);
      if (!/^\d+$/.test(String(opts.port)) || port > 65535) throw new CliUsageError(`--port must be a whole number from 0 to 65535, got "${String(opts.port)}".`);
      if (!/^\d+$/.test(String(opts.timeout)) || Number(opts.timeout) < 1) throw new CliUsageError(`--timeout must be a whole number of seconds ≥ 1, got "${String(opts.timeout)}".`);
      const agency = Boolean(opts.agency);
      if (agency && opts.userType && opts.userType !== 'Company') throw new CliUsageError('--agency installs at Company level: leave --user-type out (or give Company).');
      if (opts.userType && opts.userType !== 'Location' && opts.userType !== 'Company') throw new CliUsageError(`--user-type must be Location or Company, got "${opts.userType}".`);
      const store = await openCredentialStore(dataDirOf(opts));
      const server = createServer();
      try {
        const name = opts.name!;
        const settings = await resolveLoginSettings(store, {
          name,
          clientId: opts.clientId,
          clientSecret: await secretFrom(opts),
          scopes: await scopesToAsk(opts),
          baseUrl: opts.baseUrl,
          installUrl: opts.installUrl,
        });
        const { clientId, clientSecret, scopes } = settings;

        const registry = new OAuthLoginRegistry();
        const previous = await store.find(name);
        const userType = opts.userType ?? (agency || previous?.kind === 'highlevel-agency' ? 'Company' : 'Location');
        const refresher = new TokenRefresher({ store });
        const locationTokens = new LocationTokens({ store, refresher });
        const done = new Promise<CallbackOutcome>((resolve) => {
          const handler = createOAuthCallbackHandler({
            store,
            registry,
            onComplete: resolve,
            // An agency connection reads where the app is installed right away, so its locations show by name.
            afterSave: async (c) => {
              if (c.kind === 'highlevel-agency') await locationTokens.sync(c);
            },
          });
          server.on('request', (req, res) => {
            if (new URL(req.url ?? '/', 'http://127.0.0.1').pathname !== CALLBACK_PATH) {
              res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
              return;
            }
            void handler(req, res);
          });
        });
        const boundPort = await listen(server, port);
        const redirectUri = `http://127.0.0.1:${boundPort}${CALLBACK_PATH}`;
        const { installUrl } = registry.start({
          name,
          clientId,
          clientSecret,
          scopes,
          redirectUri,
          tokenUrl: settings.tokenUrl,
          installUrl: settings.installUrl,
          userType,
        });
        // Ctrl-C while waiting (installed before the URL is printed, so no Ctrl-C is missed): nothing was stored yet; say so and exit 130 after closing the store.
        let onSigint: (() => void) | undefined;
        const interrupted = new Promise<'interrupted'>((resolve) => {
          onSigint = () => resolve('interrupted');
          process.once('SIGINT', onSigint);
        });
        io.out(
          userType === 'Company'
            ? `Open this URL in a browser and approve the app for the agency:\n\n  ${installUrl}\n\n`
            : `Open this URL in a browser and choose the location to install on:\n\n  ${installUrl}\n\n`,
        );
        io.out(`Waiting for the callback on ${redirectUri} (the app's redirect URI must be exactly this) ...\n`);

        const timeoutMs = Number(opts.timeout) * 1000;
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<undefined>((resolve) => {
          timer = globalThis.setTimeout(() => resolve(undefined), timeoutMs) as unknown as NodeJS.Timeout;
        });
        const outcome = await Promise.race([done, timedOut, interrupted]);
        clearTimeout(timer);
        if (onSigint) process.off('SIGINT', onSigint);
        if (outcome === 'interrupted') throw new CliUsageError(`interrupted: no credential was stored for ${name}.`, ExitCode.INTERRUPTED);
        if (!outcome)
          throw new CliUsageError(
            `no callback within ${opts.timeout} s: run the command again and open the URL it prints.`,
            ExitCode.FAILED,
          );
        if (!outcome.credential) {
          io.err(`error: ${outcome.message}\n`);
          io.setExit(ExitCode.FAILED);
          return;
        }
        const c = outcome.credential;
        io.out(`Connected ${c.name} (version ${c.activeVersion}).\n`);
        io.out(
          `  location:  ${c.meta.locationId ?? '-'}\n  company:   ${c.meta.companyId ?? '-'}\n  user type: ${c.meta.userType ?? '-'}\n`,
        );
        io.out(`  granted:   ${c.scopes?.join(' ') || '(none)'}\n  expires:   ${c.expiresAt ?? '-'}\n`);
        if (c.kind === 'highlevel-agency') {
          const served = (await store.locations.list(c.id)).filter((l) => l.status === 'installed');
          io.out(`  serves:    ${served.length} installed location(s)${served.length ? `: ${served.map((l) => `${l.name ?? l.locationId} (${l.locationId})`).join(', ')}` : ''}\n`);
        }
        const missing = scopes.filter((s) => !c.scopes?.includes(s));
        if (missing.length) io.err(`warning: asked for but not granted: ${missing.join(' ')}\n`);
      } finally {
        server.closeAllConnections?.();
        await new Promise<void>((r) => server.close(() => r()));
        await store.close();
      }
    });
};
