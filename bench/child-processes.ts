import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { undici } from './deps';

/**
 * The processes the bench job drives, each on its own like a user runs them: `splice serve` (the bin,
 * packages/cli/bin/splice.mjs, on its defaults unless `args` say otherwise) and the baseline forwarder.
 * SPLICE_BENCH_NODE_ARGS adds node flags to `splice serve` (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
 */
export interface Child {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

function waitForLine(child: ChildProcess, pattern: RegExp, what: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      const m = pattern.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code} before it was ready:\n${out.slice(-2000)}`)));
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

export async function startForwarder(sinkUrl: string): Promise<Child> {
  const bin = fileURLToPath(new URL('./forwarder.mjs', import.meta.url));
  const child = spawn(process.execPath, [bin], { env: { ...process.env, SINK_URL: sinkUrl }, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await waitForLine(child, /LISTENING (\d+)/, 'the forwarder');
  return { url: `http://127.0.0.1:${port}`, process: child, stop: () => stopChild(child) };
}

export const ADMIN_TOKEN = `bench-admin-${process.pid}`;

export async function startSpliceServe(
  args: string[] = [],
  dataDir = mkdtempSync(join(tmpdir(), 'splice-bench-')),
): Promise<Child & { dataDir: string }> {
  const bin = fileURLToPath(new URL('../packages/cli/bin/splice.mjs', import.meta.url));
  const nodeArgs = (process.env.SPLICE_BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, bin, 'serve', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn', ...args], {
    env: { ...process.env, SPLICE_ADMIN_TOKEN: ADMIN_TOKEN },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await waitForLine(child, /listening on (http:\/\/\S+?) /, 'splice serve');
  return { url, dataDir, process: child, stop: () => stopChild(child) };
}

/** A REST API call to a `splice serve` child with the bench's admin token. */
export async function api(
  agent: InstanceType<typeof undici.Agent>,
  base: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const res = await undici.request(`${base}/api${path}`, {
    method: method as 'POST',
    dispatcher: agent,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`${method} /api${path} answered ${res.statusCode}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

/** One sample of `name{labels}` from a /metrics text (the first matching line). */
export function metricValue(text: string, name: string, labels = ''): number | undefined {
  const re = new RegExp(`^${name}${labels ? `\\{${labels.replace(/[{}]/g, '')}\\}` : ''}\\s+(\\S+)$`, 'm');
  const m = re.exec(text);
  return m ? Number(m[1]) : undefined;
}

export async function metricsText(agent: InstanceType<typeof undici.Agent>, base: string): Promise<string> {
  return (await undici.request(`${base}/metrics`, { dispatcher: agent })).body.text();
}
