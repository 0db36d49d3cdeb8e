import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSandbox, type Sandbox } from '../../../packages/sandbox/src/index';
import { startServer, type RunningServer } from '../../../packages/server/src/serve';

/**
 * The real stack for browser tests: the sandbox (HighLevel and Payaca stand-ins), `splice serve`'s
 * startServer on port 0 with a temp data dir, staging pointed at the sandbox, and the built editor
 * served at `/`. Builds the editor first when dist is missing or older than its sources.
 */
export const EDITOR_DIR = fileURLToPath(new URL('../../../packages/editor/', import.meta.url));
const DIST_INDEX = join(EDITOR_DIR, 'dist', 'index.html');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function distIsFresh(): boolean {
  const sourcesChanged = Math.max(newestMtime(join(EDITOR_DIR, 'src')), statSync(join(EDITOR_DIR, 'index.html')).mtimeMs, statSync(join(EDITOR_DIR, 'vite.config.ts')).mtimeMs);
  return existsSync(DIST_INDEX) && statSync(DIST_INDEX).mtimeMs >= sourcesChanged;
}

/**
 * Builds the editor when dist is missing or stale. Test files run in parallel workers, so one build at a
 * time (a lock directory): a second build would empty dist under a server that is serving it.
 */
export function ensureEditorBuilt(): void {
  if (distIsFresh()) return;
  const lock = join(EDITOR_DIR, '.build-lock');
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A build elapsed over 5 minutes means its process died: take the lock over.
      if (Date.now() - started > 300_000) break;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
  try {
    if (!distIsFresh()) execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: EDITOR_DIR, stdio: 'inherit' });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface Stack {
  sandbox: Sandbox;
  server: RunningServer;
  url: string;
  token: string;
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  ensureEditorBuilt();
  const token = `splice_browser_test_${process.pid}`;
  // The API reads the admin token from the environment when it is set (as CI and scripts do).
  process.env.SPLICE_ADMIN_TOKEN = token;
  const dataDir = mkdtempSync(join(tmpdir(), 'splice-browser-'));
  const sandbox = await createSandbox({ seed: 1, rateLimit: false });
  const server = await startServer({ config: { port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent', workers: { count: 1 } } });
  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${server.url}/api${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  // What `splice start` does: staging talks to the sandbox.
  await api('PATCH', '/environments/staging', { baseUrls: sandbox.baseUrls });
  return {
    sandbox,
    server,
    url: server.url,
    token,
    api,
    async close() {
      await server.close({ graceMs: 500 });
      await sandbox.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
