import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SPLICE_BIN = join(__dirname, '../../packages/cli/bin/splice.mjs');

export async function waitFor<T>(fn: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function tempDataDir(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'splice-cred-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Act as the person on the sandbox's consent page: load it, pick the first location's Approve form,
 * submit it, and follow the redirect to our callback. Returns the callback's answer.
 */
export async function approveOnConsentPage(installUrl: string): Promise<{ status: number; body: string; locationId: string }> {
  const page = await fetch(installUrl);
  const html = await page.text();
  if (page.status !== 200) throw new Error(`consent page answered ${page.status}: ${html}`);
  const form = /<form method="get" action="([^"]+)">(.*?)<\/form>/s.exec(html);
  if (!form) throw new Error(`no approve form on the consent page: ${html.slice(0, 500)}`);
  const submit = new URL(form[1]!.replace(/&amp;/g, '&'), installUrl);
  let locationId = '';
  for (const m of form[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    const value = m[2]!.replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c)));
    submit.searchParams.set(m[1]!, value);
    if (m[1] === 'approve_location') locationId = value;
  }
  const approved = await fetch(submit, { redirect: 'manual' });
  const location = approved.headers.get('location');
  if (approved.status !== 302 || !location)
    throw new Error(`approving answered ${approved.status}, not a redirect: ${await approved.text()}`);
  const callback = await fetch(location);
  return { status: callback.status, body: await callback.text(), locationId };
}

/** `splice ...` as a real child process (async: the sandbox in this process must keep answering). */
export function runCliProcess(
  args: string[],
  opts: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SPLICE_BIN, ...args], { env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

/** The OAuth app a `splice auth login highlevel` names; a reconnect names none (the stored credential has it). */
export interface LoginApp {
  clientId: string;
  /** The variable that holds the client secret (`--client-secret-env`). */
  clientSecretEnv: string;
  /** `--scopes` (space-separated) or `--scopes-from` (a flow file) */
  scopes?: string;
  scopesFrom?: string;
}

/** Arguments of `splice auth login highlevel`: callback on any free port, 60 s to approve. */
export function highLevelLoginArgs(o: { name: string; baseUrl: string; dataDir: string; app?: LoginApp }): string[] {
  const app = o.app
    ? [
        '--client-id',
        o.app.clientId,
        '--client-secret-env',
        o.app.clientSecretEnv,
        ...(o.app.scopes !== undefined ? ['--scopes', o.app.scopes] : []),
        ...(o.app.scopesFrom !== undefined ? ['--scopes-from', o.app.scopesFrom] : []),
      ]
    : [];
  return [
    'auth',
    'login',
    'highlevel',
    '--name',
    o.name,
    ...app,
    '--base-url',
    o.baseUrl,
    '--port',
    '0',
    '--timeout',
    '60',
    '--data-dir',
    o.dataDir,
  ];
}

/** The install URL a running `splice auth login` prints for the person to open. */
export function printedInstallUrl(cli: { out: string[] }): Promise<string> {
  return waitFor(() => /^\s+(http\S+chooselocation\S+)$/m.exec(cli.out.join(''))?.[1], 'the install URL');
}

/** Arguments of `splice credentials add NAME --kind highlevel-pit`, the token read from stdin. */
export function addPitArgs(name: string, locationId: string, dataDir: string): string[] {
  return ['credentials', 'add', name, '--kind', 'highlevel-pit', '--token-stdin', '--location-id', locationId, '--data-dir', dataDir];
}
