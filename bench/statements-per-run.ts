import { createRequire } from 'node:module';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { undici } from './deps';
import { ADMIN_TOKEN } from './child-processes';
import { CONNECTIONS, setUpJobFlow } from './downstream-job';
import { JOB_EVENT, startSink } from './downstream-sink';
import { startServer } from '../packages/server/src/index';

/**
 * `pnpm exec tsx bench/statements-per-run.ts`: what one run of the bench job costs the database, from
 * intake to finished record: SQLite statements executed (by kind) and commits (COMMITs plus writes
 * outside a transaction, each its own commit), per run. Measured twice on the server as `splice serve`
 * wires it (API store, credentials), in this process so better-sqlite3 can be watched: one webhook at a
 * time (nothing to share a commit with), then under the bench's 16 connections (group commit shares).
 */
const Database = createRequire(new URL('../packages/server/package.json', import.meta.url))('better-sqlite3');
type Stmt = { run: (...a: unknown[]) => unknown; all: (...a: unknown[]) => unknown; get: (...a: unknown[]) => unknown };

let counting = false;
let inTransaction = false;
const byKind = new Map<string, number>();
let statements = 0;
let commits = 0;
function kindOf(source: string): string {
  const s = source.replace(/\s+/g, ' ').replace(/"/g, '').trim().toLowerCase();
  const verb = /^(select|insert into|update|delete from|begin|commit|rollback|pragma|with)\b\s*(\w+)?/.exec(s);
  if (!verb) return s.slice(0, 40);
  if (verb[1] === 'select' || verb[1] === 'with') return `select ${/ from (\w+)/.exec(s)?.[1] ?? ''}`.trim();
  return verb[1] === 'update' || verb[1]!.endsWith('into') || verb[1]!.endsWith('from') ? `${verb[1]} ${verb[2]}` : verb[1]!;
}
function observe(source: string): void {
  const kind = kindOf(source);
  if (kind.startsWith('begin')) inTransaction = true;
  if (!counting) {
    if (kind.startsWith('commit') || kind.startsWith('rollback')) inTransaction = false;
    return;
  }
  statements++;
  byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
  if (kind.startsWith('commit')) commits++;
  else if (!inTransaction && /^(insert|update|delete)/.test(kind)) commits++;
  if (kind.startsWith('commit') || kind.startsWith('rollback')) inTransaction = false;
}
const prepare = Database.prototype.prepare as (this: unknown, source: string) => Stmt;
Database.prototype.prepare = function (this: unknown, source: string) {
  const stmt = prepare.call(this, source);
  for (const m of ['run', 'all', 'get'] as const) {
    const orig = stmt[m];
    stmt[m] = function (this: unknown, ...args: unknown[]) {
      observe(source);
      return orig.apply(this, args);
    };
  }
  return stmt;
};

const sink = await startSink();
process.env.SPLICE_ADMIN_TOKEN = ADMIN_TOKEN;
const server = await startServer({
  config: { port: 0, dataDir: mkdtempSync(join(tmpdir(), 'splice-statements-')), logLevel: 'warn' },
  defaultMetrics: false,
});
const agent = new undici.Agent({ connections: CONNECTIONS * 2 });
const hook = `${server.url}/hooks/post-stats`;
const post = async () => {
  const res = await undici.request(hook, {
    method: 'POST',
    body: JSON.stringify(JOB_EVENT),
    headers: { 'content-type': 'application/json' },
    dispatcher: agent,
  });
  const text = await res.body.text();
  if (res.statusCode !== 202) throw new Error(`answered ${res.statusCode}: ${text}`);
};
const finished = new Set<string>();
server.ctx.observeRuns((e) => {
  if (e.status !== 'queued' && e.status !== 'running') finished.add(e.runId);
});
const settle = async (n: number) => {
  while (finished.size < n) await new Promise((r) => setTimeout(r, 2));
  // The run's outcome is committed before observeRuns fires; let any trailing statement of the batch land.
  await new Promise((r) => setTimeout(r, 20));
};

function report(label: string, runs: number): void {
  const rows = [...byKind].sort((a, b) => b[1] - a[1]).map(([k, n]) => `    ${(n / runs).toFixed(2).padStart(6)}  ${k}`);
  process.stdout.write(
    `${label}: ${runs} runs, ${(statements / runs).toFixed(2)} statements and ${(commits / runs).toFixed(2)} commits per run\n${rows.join('\n')}\n`,
  );
  byKind.clear();
  statements = 0;
  commits = 0;
}

try {
  await setUpJobFlow(agent, server, sink.url);
  for (let i = 0; i < 50; i++) await post();
  await settle(50);

  finished.clear();
  counting = true;
  const serial = 200;
  for (let i = 0; i < serial; i++) {
    await post();
    await settle(i + 1);
  }
  counting = false;
  report('one webhook at a time', serial);

  finished.clear();
  counting = true;
  let sent = 0;
  const until = performance.now() + 3000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < until) {
        await post();
        sent++;
      }
    }),
  );
  await settle(sent);
  counting = false;
  report(`${CONNECTIONS} connections for 3 s`, sent);
} finally {
  await server.close({ graceMs: 1000 });
  await agent.close();
  await sink.close();
}
