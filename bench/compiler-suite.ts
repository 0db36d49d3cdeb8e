import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { jsonata } from './deps';
import { compileExpression, evaluateExpression, parseFlow, validateFlow, type Flow } from '../packages/runtime/src/index';
import { compilerStats, compilerSwitch, evaluationProbe } from '../packages/runtime/src/mapping/compiler/index';
import { runTestFile } from '../packages/runtime/src/flow-tests/index';
import { cliActionRegistry } from '../packages/cli/src/engine-factory';
import { openMemoryDatabase } from '../packages/server/src/insights/memory-database';
import { loadSuite } from '../packages/runtime/test/support/jsonata-suite';
import { comparePair, row, type BenchOptions, type BenchSuite } from './measure';

/** The mapping of issue 10's benchmark job. */
const JOB_MAPPING =
  '{"postIds":[postId],"locationId":locationId,"stats":{"impressions":metrics.impressions,"clicks":metrics.clicks,"engagement":metrics.likes+metrics.comments+metrics.shares}}';
const JOB_EVENT = {
  locationId: 'loc_1',
  postId: 'p_123',
  metrics: { impressions: 1200, clicks: 37, likes: 5, comments: 2, shares: 1 },
  publishedAt: '2026-11-20T10:00:00Z',
};

interface Sample {
  source: string;
  input: unknown;
  bindings: Record<string, unknown>;
}

/** Every expression the templates' flow tests evaluate (flows and assertions), with the data it gets there. */
async function templateSamples(): Promise<Sample[]> {
  const dir = join(import.meta.dirname, '../templates');
  const samples: Sample[] = [];
  evaluationProbe.onEvaluate = (source, input, bindings) =>
    samples.push({ source, input: structuredClone(input), bindings: structuredClone(bindings) });
  try {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.test.yaml'))) {
      const store = await openMemoryDatabase();
      const loadFlow = (text: string, name: string): { flow: Flow } => {
        const parsed = parseFlow(text, { file: name });
        if (validateFlow(parsed).length > 0 || !parsed.flow) throw new Error(`${name} is not a valid flow`);
        return { flow: parsed.flow };
      };
      await runTestFile(join(dir, file), { actions: cliActionRegistry({ spliceDb: store.db }), loadFlow }).finally(() => store.close());
    }
  } finally {
    evaluationProbe.onEvaluate = undefined;
  }
  return samples;
}

/** The suite's cases that compiled code computes itself (no fallback), for row (c). */
async function suiteSamples(): Promise<Sample[]> {
  const out: Sample[] = [];
  for (const c of loadSuite()) {
    if (c.expect.kind === 'error' || c.timelimit !== undefined) continue;
    let expr: ReturnType<typeof compileExpression>;
    try {
      expr = compileExpression(c.expr);
    } catch {
      continue;
    }
    if (!expr.program) continue;
    const before = compilerStats.fallbacks;
    try {
      await evaluateExpression(expr, structuredClone(c.input), structuredClone(c.bindings), { maxSequenceLength: 10_000_000 });
    } catch {
      continue;
    }
    if (compilerStats.fallbacks === before && !/\$(now|millis|random|shuffle)\(/.test(c.expr))
      out.push({ source: c.expr, input: c.input, bindings: c.bindings });
  }
  return out;
}

/**
 * One op = every sample evaluated once. Baseline: bare jsonata (no Splice hooks) on the same samples;
 * Splice: evaluateExpression with the compiler on (limits, size guard and plain results included).
 */
async function measureSamples(samples: Sample[], opts: BenchOptions): Promise<{ baseline: number; splice: number; fallbacks: string }> {
  const bare = samples.map((s) => ({ e: jsonata(s.source), s }));
  const ours = samples.map((s) => ({ e: compileExpression(s.source), s }));
  compilerSwitch.enabled = true;
  const runs = compilerStats.runs;
  const fallbacks = compilerStats.fallbacks;
  const measured = await comparePair(
    async () => {
      for (const { e, s } of bare) await e.evaluate(s.input, s.bindings);
    },
    async () => {
      for (const { e, s } of ours) await evaluateExpression(e, s.input, s.bindings, { maxSequenceLength: 10_000_000 });
    },
    opts,
  );
  const share = (compilerStats.fallbacks - fallbacks) / Math.max(1, compilerStats.runs - runs);
  return { ...measured, fallbacks: `${(100 * share).toFixed(2)}% handed to the interpreter` };
}

/** Issue 14's rows: compiled JSONata vs bare jsonata, as evals/s (ratios measured in one run). */
export const compilerSuite: BenchSuite = {
  name: 'compiler',
  async run(opts) {
    const job = await measureSamples([{ source: JOB_MAPPING, input: JOB_EVENT, bindings: {} }], opts);
    const templates = await templateSamples();
    const distinct = new Set(templates.map((s) => s.source)).size;
    const compiledTemplates = [...new Set(templates.map((s) => s.source))].filter((s) => compileExpression(s).program).length;
    const t = await measureSamples(templates, opts);
    const suite = await suiteSamples();
    const c = await measureSamples(suite, { ...opts, roundMs: opts.roundMs * 2 });
    const perSample = (m: { baseline: number; splice: number }, n: number) => ({ baseline: m.baseline * n, splice: m.splice * n });
    return [
      row(`compiled mapping: issue-10 job mapping vs bare jsonata (${job.fallbacks})`, 'evals/s', job, 10),
      row(
        `compiled mapping: templates' ${distinct} expressions (${compiledTemplates} compiled), ${templates.length} evaluations from their flow tests (${t.fallbacks})`,
        'evals/s',
        perSample(t, templates.length),
        10,
      ),
      row(`compiled mapping: jsonata suite's ${suite.length} compiled cases (${c.fallbacks})`, 'evals/s', perSample(c, suite.length), 1),
    ];
  },
};
