import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { splice } from './run-cli';
import { json, startTestServer } from '../../runtime/test/http-test-server';

const fixtures = fileURLToPath(new URL('../../runtime/test/fixtures/', import.meta.url));
const bin = fileURLToPath(new URL('../bin/splice.mjs', import.meta.url));

let server: Awaited<ReturnType<typeof startTestServer>>;
let dir: string;
beforeAll(async () => {
  server = await startTestServer((req, res) => json(res, 201, { ok: true, got: req.body ? JSON.parse(req.body) : null }));
  dir = await mkdtemp(join(tmpdir(), 'splice-cli-'));
});
afterAll(() => server.close());

describe('splice validate', () => {
  it('prints a YAML error, an unknown field, a wrong type and a bad expression with file:line:col and exits 1', async () => {
    const files = ['bad-yaml.yaml', 'bad-unknown-field.yaml', 'bad-wrong-type.yaml', 'bad-expression.yaml'].map((f) => join(fixtures, f));
    const r = await splice('validate', ...files);
    expect(r.code).toBe(1);
    const lines = r.out.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/bad-yaml\.yaml:6:1: YAML syntax error: .* \[FLOW_YAML_SYNTAX\]$/),
      expect.stringMatching(/bad-unknown-field\.yaml:12:5: unknown field `colour` in step `fetchTags`.* \[FLOW_UNKNOWN_FIELD\]$/),
      expect.stringMatching(/bad-wrong-type\.yaml:12:18: `concurrency` in step `eachTag` must be a whole number.* \[FLOW_WRONG_TYPE\]$/),
      expect.stringMatching(/bad-expression\.yaml:14:7: invalid JSONata expression: .* \[FLOW_EXPRESSION_SYNTAX\]$/),
      expect.stringMatching(/bad-expression\.yaml:20:21: `\$steps\.shapee` refers to no step .* \[FLOW_UNKNOWN_STEP_REFERENCE\]$/),
    ]);
    expect(r.err).toContain('5 problems in 4 of 4 files');
  });

  it('exits 0 on a good flow, 2 on a missing file', async () => {
    expect(await splice('validate', join(fixtures, 'good-webhook-map-http.yaml'))).toMatchObject({ code: 0, out: '1 flow OK\n' });
    const missing = await splice('validate', join(fixtures, 'nope.yaml'));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no such file or directory');
  });
});

describe('splice run', () => {
  it('sends the mapped request of a webhook → map → http flow to a local server and prints the record', async () => {
    const event = join(dir, 'event.json');
    await writeFile(event, JSON.stringify({ projectId: 'p1', tags: [{ name: 'roof' }, { name: 'gutter' }] }));
    const before = server.requests.length;
    const r = await splice('run', join(fixtures, 'good-webhook-map-http.yaml'), '--event', event, '--env', `target=${server.url}/hook`);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const sent = server.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ method: 'POST', url: '/hook' });
    expect(JSON.parse(sent[0]!.body)).toEqual({ project: 'p1', tags: [{ name: 'ROOF' }, { name: 'GUTTER' }] });
    expect(r.out).toMatch(/flow forward-tag-change {2}SUCCEEDED/);
    expect(r.out).toMatch(/✓ shapeTags +map/);
    expect(r.out).toContain(`POST ${server.url}/hook → 201`);
    // Each step's output on one line: the mapped value, and the server's answer.
    expect(r.out).toContain('output: {"project":"p1","tags":[{"name":"ROOF"},{"name":"GUTTER"}]}');
    expect(r.out).toContain('output: {"ok":true,"got":{"project":"p1"');
  });

  it('--dry-run shows the request and sends nothing; --json prints the full record', async () => {
    const before = server.requests.length;
    const r = await splice(
      'run',
      join(fixtures, 'good-webhook-map-http.yaml'),
      '--event',
      join(fixtures, 'event-tags.json'),
      '--env',
      `target=${server.url}/hook`,
      '--dry-run',
    );
    expect(r.code).toBe(0);
    expect(server.requests.length).toBe(before);
    expect(r.out).toContain('dry run: nothing was sent');
    expect(r.out).toContain(`POST ${server.url}/hook → not sent`);
    expect(r.out).toContain('"name": "SIDING"');
    const j = await splice(
      'run',
      join(fixtures, 'good-webhook-map-http.yaml'),
      '--event',
      join(fixtures, 'event-tags.json'),
      '--env',
      `target=${server.url}/hook`,
      '--json',
      '--dry-run',
    );
    const record = JSON.parse(j.out);
    expect(record).toMatchObject({ status: 'succeeded', dryRun: true, flow: 'forward-tag-change' });
    expect(record.steps[1].attempts[0].request.body).toEqual({ project: 'p2', tags: [{ name: 'SIDING' }] });
  });

  it('fails a runaway expression with MAPPING_TIMEOUT and exits 1', async () => {
    const r = await splice('run', join(fixtures, 'runaway-expression.yaml'), '--mapping-timeout', '200');
    expect(r.code).toBe(1);
    expect(r.out).toContain('[MAPPING_TIMEOUT]');
  });

  it('refuses an invalid flow with its problems (exit 1) and a bad --env (exit 2)', async () => {
    const bad = await splice('run', join(fixtures, 'bad-unknown-field.yaml'));
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('bad-unknown-field.yaml:12:5');
    const usage = await splice('run', join(fixtures, 'good-webhook-map-http.yaml'), '--env', 'novalue');
    expect(usage.code).toBe(2);
  });

  it('names the event file, line and column of a broken event (exit 2)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'splice-event-'));
    const file = join(dir, 'bad.json');
    await writeFile(file, '{"a":');
    const r = await splice('run', join(fixtures, 'good-webhook-map-http.yaml'), '--event', file);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${file}:1:6: the event is not valid JSON or YAML`);
    expect(r.err).not.toMatch(/at line \d+, column/);
  });

  it('works as a real subprocess: the runaway flow exits non-zero and never hangs', async () => {
    const result = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      execFile(
        process.execPath,
        [bin, 'run', join(fixtures, 'runaway-expression.yaml'), '--mapping-timeout', '300'],
        { timeout: 30_000 },
        (err, stdout) => resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout }),
      );
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('MAPPING_TIMEOUT');
  });
});
