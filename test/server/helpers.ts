import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Flow } from '../../packages/runtime/src/index';
import { createHmac } from 'node:crypto';

export const repoRoot = resolve(import.meta.dirname, '../..');

export function tempDir(prefix = 'splice-server-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
    s.once('error', rej);
  });
}

/** webhook → map → call: the flow the acceptance tests run against the sandbox's HighLevel stand-in. */
export function tagSyncFlow(opts: { name?: string; stepAttempts?: number; concurrency?: number; secret?: string } = {}): Flow {
  return {
    apiVersion: 'splice/v1',
    kind: 'Flow',
    metadata: { name: opts.name ?? 'tag-sync' },
    trigger: { type: 'webhook', source: 'payaca', secret: opts.secret ?? 'payaca-hook', idempotencyKey: 'eventId' },
    steps: [
      { id: 'shape', type: 'map', expression: '{ "tagIds": ["tag-" & $string(n)] }' },
      {
        id: 'fetchTags',
        type: 'call',
        uses: 'http',
        with: {
          method: 'POST',
          url: "=$env.hlBase & '/social-media-posting/' & $env.locationId & '/tags/details'",
          headers: { Authorization: "='Bearer ' & $env.token", Version: '2021-07-28' },
          body: '=$steps.shape',
        },
        retry: { maxAttempts: opts.stepAttempts ?? 2, initialDelay: 10, maxDelay: 50 },
      },
    ],
    ...(opts.concurrency ? { options: { concurrency: opts.concurrency } } : {}),
  };
}

export function payacaSignature(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

export interface PostResult {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- answers of many shapes, asserted per test
}

export async function postJson(url: string, body: string, headers: Record<string, string> = {}): Promise<PostResult> {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed };
}

/** A signed Payaca delivery for event number n. */
export function payacaDelivery(
  secret: string,
  n: number,
  extra: Record<string, unknown> = {},
): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify({ eventId: `evt-${n}`, n, timestamp: new Date().toISOString(), ...extra });
  return { body, headers: { 'x-payaca-signature': payacaSignature(secret, body), 'x-payaca-event': 'project.tagsChanged' } };
}

export interface ChildServer {
  child: ChildProcess;
  url: string;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts test/server/fixtures/server-entry.ts in a child process and waits for READY. */
export function startChildServer(config: unknown, timeoutMs = 30_000): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'test/server/fixtures/server-entry.ts')], {
    cwd: repoRoot,
    env: { ...process.env, SPLICE_TEST_SERVER: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    child.once('exit', (code, signal) => res({ code, signal })),
  );
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server did not start in time:\n${out.slice(-3000)}`)), timeoutMs);
    const onData = () => {
      const m = /READY (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        res({ child, url: m[1]!, output: () => out, exited });
      }
    };
    child.stdout!.on('data', onData);
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      rej(new Error(`server exited (${code ?? signal}) before READY:\n${out.slice(-3000)}`));
    });
  });
}

export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}
