import type { RunRecord, SourceLocation, StepAttempt, StepRecord } from '@splice/runtime';

const MARK: Record<StepRecord['status'], string> = { succeeded: '✓', failed: '✗', skipped: '-', filtered: '⊘' };

/** file:line:col of a failed step's error in the flow file (see locateRunError), when known. */
export type StepErrorLocator = (step: StepRecord) => SourceLocation | undefined;

/**
 * The run record as a person reads it: per step its status, duration, request line and response status.
 * The failing step's error reads as `splice validate` prints a problem: `file:line:col: message [CODE]`.
 */
export function formatRunRecord(record: RunRecord, locate: StepErrorLocator = () => undefined): string {
  const lines: string[] = [];
  const dry = record.dryRun ? ' (dry run: nothing was sent)' : '';
  lines.push(`run ${record.runId}  flow ${record.flow}  ${record.status.toUpperCase()} in ${ms(record.durationMs)}${dry}`);
  const width = Math.max(4, ...record.steps.map((s) => s.id.length));
  for (const step of record.steps) {
    const depth = (step.id.match(/\.|\[/g) ?? []).length > 0 ? step.id.split(/\.(?:then|else)\.|\]\./).length - 1 : 0;
    const indent = '  '.repeat(depth + 1);
    const kind = step.uses ? `${step.type} ${step.uses}` : step.type;
    const cp = step.fromCheckpoint ? '  (from checkpoint)' : '';
    lines.push(
      `${indent}${MARK[step.status]} ${step.id.padEnd(width)}  ${kind.padEnd(10)}  ${step.status.padEnd(9)} ${step.status === 'skipped' ? '' : ms(step.durationMs)}${cp}`,
    );
    step.attempts.forEach((a) => lines.push(...attemptLines(a, step.attempts.length, indent, record.dryRun === true, step.error)));
    if (step.error) lines.push(`${indent}    error: ${where(step.id === record.error?.step ? locate(step) : undefined)}${step.error.message} [${step.error.code}]`);
    else if (step.output !== undefined && !step.fromCheckpoint) lines.push(`${indent}    output: ${preview(step.output)}`);
    for (const w of step.warnings ?? []) lines.push(`${indent}    warning: ${w}`);
  }
  if (record.error) {
    const shownAtStep = record.steps.some((s) => s.id === record.error?.step && s.error);
    lines.push(
      shownAtStep ? `failed at step ${record.error.step} [${record.error.code}]` : `error: ${record.error.message} [${record.error.code}]`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function where(loc: SourceLocation | undefined): string {
  return loc ? `${loc.file ?? '<flow>'}:${loc.line}:${loc.col}: ` : '';
}

function attemptLines(a: StepAttempt, total: number, indent: string, dryRun: boolean, stepError: StepRecord['error']): string[] {
  const out: string[] = [];
  const prefix = total > 1 ? `attempt ${a.attempt}: ` : '';
  if (a.request) {
    const answer = dryRun ? 'not sent' : a.response ? `${a.response.status}` : a.error ? `${a.error.code}` : '...';
    out.push(
      `${indent}    ${prefix}${a.request.method} ${a.request.url} → ${answer}${total > 1 || !dryRun ? `  ${ms(a.durationMs)}` : ''}`,
    );
    if (dryRun) {
      for (const [k, v] of Object.entries(a.request.headers)) out.push(`${indent}      ${k}: ${v}`);
      if (a.request.body !== undefined)
        out.push(
          ...JSON.stringify(a.request.body, null, 2)
            .split('\n')
            .map((l) => `${indent}      ${l}`),
        );
    }
  }
  // A single attempt's error is usually the step's own, printed once as `error:` below.
  const sameAsStep = a.error?.code === stepError?.code && a.error?.message === stepError?.message;
  if (a.error && (total > 1 || (!a.request && !sameAsStep)))
    out.push(`${indent}    ${prefix}${a.error.message} [${a.error.code}]${a.error.retryable ? ' (retryable)' : ''}`);
  return out;
}

/** One line of the step's (already redacted) output; `--json` prints it whole. */
function preview(value: unknown, max = 160): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}… (${text.length} chars; --json shows all)` : text;
}

function ms(v: number | undefined): string {
  if (v === undefined) return '';
  return v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`;
}
