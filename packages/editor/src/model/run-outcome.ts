import type { RunRecord } from '@splice/server/api/contract';

/**
 * One sentence on how a run ended, for the notice after a test run. "filtered" is a normal outcome (a
 * filter step found nothing to do, e.g. no tag changed since the last run), so it is said in plain words
 * and not shown as an error; a failure names the step that failed.
 */
export function describeRunOutcome(run: Pick<RunRecord, 'status' | 'steps' | 'error'>): { kind: 'info' | 'error'; text: string } {
  const sent = run.steps.filter((s) => s.type === 'call' && s.status === 'succeeded').length;
  const calls = `${sent} call${sent === 1 ? '' : 's'} made`;
  switch (run.status) {
    case 'succeeded':
      return { kind: 'info', text: `Test run succeeded: ${calls}. Each step's request and response are in the Test run tab.` };
    case 'filtered': {
      const at = run.steps.find((s) => s.status === 'filtered');
      return {
        kind: 'info',
        text: `Test run finished early: the filter step ${at ? `"${at.id}" ` : ''}found nothing to do, so the steps after it did not run (${calls}). This is not an error.`,
      };
    }
    default: {
      const step = run.error?.step ?? run.steps.find((s) => s.status === 'failed')?.id;
      return {
        kind: 'error',
        text: `Test run ${run.status}${step ? ` at step "${step}"` : ''}${run.error ? `: ${run.error.message}` : ''}`,
      };
    }
  }
}
