import { suites } from './suites';
import type { BenchRow } from './measure';

/**
 * `pnpm bench [--json] [--quick] [suite names...]`: runs each suite's baseline/Splice pairs in this
 * process and prints a table with the ratio. Informational: exits 0 whatever the numbers are.
 */
const args = process.argv.slice(2);
const asJson = args.includes('--json');
const quick = args.includes('--quick');
const only = args.filter((a) => !a.startsWith('--'));
const opts = quick ? { roundMs: 300, rounds: 2 } : { roundMs: 1000, rounds: 4 };

const rows: BenchRow[] = [];
const failures: Array<{ suite: string; error: string }> = [];
for (const suite of suites.filter((s) => only.length === 0 || only.includes(s.name))) {
  if (!asJson) process.stderr.write(`running ${suite.name}...\n`);
  try {
    rows.push(...(await suite.run(opts)));
  } catch (err) {
    failures.push({ suite: suite.name, error: (err as Error).message });
  }
}

if (asJson) {
  process.stdout.write(`${JSON.stringify({ rows, failures }, null, 2)}\n`);
} else {
  const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-GB') : n.toFixed(1));
  const table = [
    ['benchmark', 'baseline', 'splice', 'ratio', 'target', ''],
    ...rows.map((r) => [
      r.name,
      `${fmt(r.baseline)} ${r.unit}`,
      `${fmt(r.splice)} ${r.unit}`,
      `${r.ratio.toFixed(2)}×`,
      `≥ ${r.target}×`,
      r.ratio >= r.target ? 'ok' : 'BELOW TARGET',
    ]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  for (const [i, line] of table.entries()) {
    process.stdout.write(`${line.map((c, j) => (j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  ')}\n`);
    if (i === 0) process.stdout.write(`${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  }
  for (const f of failures) process.stdout.write(`suite ${f.suite} failed: ${f.error}\n`);
}
