import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, tempDir, waitFor } from '../server/helpers';
import { hostileExpressions, type HostileCase } from './hostile-expressions';

/**
 * Issue 11 items 7-9 and the expression half of its fuzz test, against `splice serve` over HTTP: while a
 * hostile expression runs (as an editor test run), another flow's run finishes and /healthz answers, and
 * the process never exits. Before the limits were hard, `$sort([1..9999999])` killed the process (heap out
 * of memory) and 26 `a`s against /(a+)+$/ held every other run for 6-8 s.
 * The 2 s bound below is the acceptance bound for a stall, not a speed measurement.
 */
const SEED = Number(process.env.SPLICE_FUZZ_SEED ?? 20261204);
const STALL_BOUND_MS = 2000;
const DOCUMENTED = new Set([
  'MAPPING_TIMEOUT',
  'MAPPING_DEPTH_EXCEEDED',
  'MAPPING_SEQUENCE_TOO_LONG',
  'MAPPING_MEMORY_EXCEEDED',
  'MAPPING_OUTPUT_TOO_LARGE',
  'MAPPING_EVALUATION',
]);

const GREET = `apiVersion: splice/v1
kind: Flow
metadata: { name: greet }
trigger: { type: manual }
steps:
  - id: hello
    type: map
    expression: '"Hello " & $event.name'
`;
const hostileFlow = (expression: string) => `apiVersion: splice/v1
kind: Flow
metadata: { name: hostile }
trigger: { type: manual }
steps:
  - id: shape
    type: map
    expression: ${JSON.stringify(expression)}
`;

let child: ReturnType<typeof spawn>;
let out = '';
let url = '';
let token = '';
let exitCode: number | null | undefined;

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  child = spawn(process.execPath, [join(repoRoot, 'packages/cli/bin/splice.mjs'), 'serve', '--port', '0', '--data-dir', tempDir(), '--workers', '2'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    // A shorter mapping time limit keeps the fuzz within CI time; it also checks the variable is read.
    env: { ...process.env, SPLICE_ADMIN_TOKEN: '', SPLICE_MAPPING_TIMEOUT_MS: '500' },
  });
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  child.once('exit', (code) => (exitCode = code));
  url = await waitFor('listening line', async () => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1], 60_000);
  token = await waitFor('admin token', async () => /admin token[^\n]*\n\s*\n\s*(\S+)/i.exec(out)?.[1], 10_000);
  for (const yaml of [GREET, hostileFlow('1')]) expect((await api('POST', '/api/flows', { yaml })).status).toBeLessThan(300);
  expect((await api('POST', '/api/flows/greet/activate')).status).toBe(200);
}, 90_000);

afterAll(async () => {
  if (exitCode === undefined) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
});

/** Runs `c` as a test run; meanwhile another flow's run must finish and /healthz answer within the bound. */
async function underHostile(c: HostileCase): Promise<{ status: number; code?: string; otherMs: number; healthMs: number }> {
  const hostile = api('POST', '/api/flows/hostile/test-runs', { yaml: hostileFlow(c.expression), event: c.event });
  await new Promise((r) => setTimeout(r, 100)); // let the hostile expression get going
  const started = performance.now();
  const health = fetch(`${url}/healthz`).then((r) => {
    expect(r.status).toBe(200);
    return performance.now() - started;
  });
  const run = await api('POST', '/api/flows/greet/runs', { payload: { name: 'Ada' } });
  expect(run.status).toBe(202);
  const record = await waitFor('the other flow run', async () => {
    const r = await api('GET', `/api/runs/${run.json.runId}`);
    return r.json?.status === 'succeeded' ? r.json : undefined;
  }, 30_000, 20);
  const otherMs = performance.now() - started;
  expect(record.steps[0].output).toBe('Hello Ada');
  const [h, healthMs] = await Promise.all([hostile, health]);
  return { status: h.status, code: h.json?.error?.code, otherMs, healthMs };
}

describe('splice serve under hostile expressions', () => {
  const named: Array<[string, HostileCase, string]> = [
    ['item 7: catastrophic regex', { expression: '$match($event.s, /(a+)+$/)', event: { s: `${'a'.repeat(40)}!` } }, 'succeeded'],
    ['item 8: $sort of 30,000 items', { expression: '$sort([1..30000])', event: {} }, 'MAPPING_TIMEOUT'],
    ['item 8: $distinct of 200,000 items', { expression: '$distinct([1..200000])', event: {} }, 'MAPPING_TIMEOUT'],
    ['item 9: $sort([1..9999999])', { expression: '$sort([1..9999999])', event: {} }, 'MAPPING_SEQUENCE_TOO_LONG'],
    ['item 9: $zip of two 9,999,999 ranges', { expression: '$zip([1..9999999],[1..9999999])', event: {} }, 'MAPPING_SEQUENCE_TOO_LONG'],
  ];
  for (const [name, c, expected] of named) {
    it(`${name}: the process lives, other runs and /healthz go on`, async () => {
      const r = await underHostile(c);
      expect(r.status).toBe(200);
      expect(r.code ?? 'succeeded').toBe(expected);
      expect(r.otherMs).toBeLessThan(STALL_BOUND_MS);
      expect(r.healthMs).toBeLessThan(STALL_BOUND_MS);
      expect(exitCode).toBeUndefined();
    }, 60_000);
  }

  it(`fuzz: 50 seeded hostile expressions (seed ${SEED}), 0 exits, 0 5xx, no stall`, async () => {
    const outcomes: string[] = [];
    for (const c of hostileExpressions(SEED, 50)) {
      const r = await underHostile(c);
      const what = `${c.expression} → ${r.status} ${r.code ?? 'ok'}, other run ${Math.round(r.otherMs)} ms (seed ${SEED})`;
      outcomes.push(what);
      expect(r.status, what).toBeLessThan(500);
      if (r.code) expect(DOCUMENTED, what).toContain(r.code);
      expect(r.otherMs, what).toBeLessThan(STALL_BOUND_MS);
      expect(exitCode, what).toBeUndefined();
    }
    expect(outcomes).toHaveLength(50);
    expect(out).not.toMatch(/FATAL ERROR|heap out of memory/);
  }, 300_000);
});
