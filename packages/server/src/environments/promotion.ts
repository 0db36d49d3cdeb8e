import { runFlowTests, type FlowTestReport } from '@splice/runtime/flow-tests/index';
import type { ApiIssue } from '../api/contract';
import { ServerError } from '../errors';
import type { FlowService } from '../flows/flow-service';
import type { ActionRegistry } from '@splice/runtime';
import type { DeploymentRecord } from './environment-store';
import { flowTestActions } from '../insights/flow-test-actions';

/**
 * Deploys revisions. Staging takes any revision that validates. Production takes a revision only when it
 * validates against production (loader checks plus the credentials module's binding and scope check on
 * production's bindings) AND the flow's tests pass against that revision; otherwise the promotion is
 * refused with each failing test and why.
 */
export async function deployToStaging(service: FlowService, flowId: string, revision: number | undefined, by: string): Promise<DeploymentRecord> {
  const stored = await service.deps.flows.get(flowId);
  const rev = await service.deps.flows.revision(flowId, revision ?? stored.headRevision);
  await service.requireValid(rev.yaml, `${flowId}@${rev.revision}`, 'staging');
  return service.deps.environments.deploy(flowId, 'staging', rev.revision, by);
}

export interface PromotionResult {
  deployment: DeploymentRecord;
  tests: FlowTestReport;
}

export async function promoteToProduction(
  service: FlowService,
  actions: ActionRegistry,
  flowId: string,
  revision: number | undefined,
  by: string,
): Promise<PromotionResult> {
  const stored = await service.deps.flows.get(flowId);
  const chosen = revision ?? (await service.deps.environments.deployed(flowId, 'staging')) ?? stored.headRevision;
  const rev = await service.deps.flows.revision(flowId, chosen);
  const where = `${flowId}@${rev.revision}`;
  const { result, flow } = await service.validate(rev.yaml, { file: `${flowId}.yaml`, environment: 'production' });
  if (!result.valid || !flow) {
    throw refused(`Revision ${rev.revision} of "${flowId}" was not promoted: it does not validate against production (${summarise(result.errors)}).`, result.errors, {
      revision: rev.revision,
      reason: 'validation',
    });
  }
  const tests = await service.deps.flows.tests(flowId);
  if (!tests) {
    throw refused(
      `Revision ${rev.revision} of "${flowId}" was not promoted: the flow has no tests. Add a test file (PUT /api/flows/${flowId}/tests) so production only gets tested revisions.`,
      [],
      { revision: rev.revision, reason: 'no_tests' },
    );
  }
  // Flow tests get their own empty Splice data store (splice.* steps never touch the dashboards' data).
  const testActions = await flowTestActions(actions);
  const report = await runFlowTests({ testText: tests.yaml, testFile: `${flowId}.test.yaml`, flow }, { actions: testActions.actions }).finally(() => testActions.close());
  if (report.failed > 0 || report.errors.length > 0) {
    const failedTests = [
      ...report.errors.map((e) => ({ name: '(test file)', failures: [{ path: e.path ?? '', message: e.message, ...(e.location ? { location: e.location } : {}) }] })),
      ...report.cases
        .filter((c) => !c.passed)
        .map((c) => ({ name: c.name, failures: c.failures.map((f) => ({ path: f.path, message: f.message, ...(f.location ? { location: f.location } : {}), ...(f.diff ? { diff: f.diff } : {}) })) })),
    ];
    const names = failedTests.map((t) => `"${t.name}": ${t.failures[0]?.path ? `${t.failures[0].path}: ` : ''}${t.failures[0]?.message ?? 'failed'}`);
    const issues: ApiIssue[] = failedTests.flatMap((t) =>
      t.failures.map((f) => ({ code: 'FLOW_TEST_FAILED', message: `test "${t.name}": ${f.path ? `${f.path}: ` : ''}${f.message}`, ...(f.location ? { location: f.location } : {}) })),
    );
    throw refused(`Revision ${rev.revision} of "${flowId}" was not promoted: ${failedTests.length} flow test(s) failed: ${names.join('; ')}.`, issues, {
      revision: rev.revision,
      reason: 'tests',
      failedTests,
      passed: report.passed,
      failed: report.failed,
    });
  }
  void where;
  const deployment = await service.deps.environments.deploy(flowId, 'production', rev.revision, by);
  return { deployment, tests: stripRuns(report) };
}

function refused(message: string, issues: ApiIssue[], details: Record<string, unknown>): ServerError {
  return new ServerError('PROMOTION_REFUSED', message, 422, { details: { ...details, issues } });
}

function summarise(errors: ApiIssue[]): string {
  const first = errors[0];
  if (!first) return 'no details';
  const at = first.location ? `${first.location.line}:${first.location.col} ` : '';
  return `${at}${first.message}${errors.length > 1 ? ` and ${errors.length - 1} more` : ''}`;
}

/** The wire report carries no run records (they can be large). */
export function stripRuns(r: FlowTestReport): FlowTestReport {
  return { ...r, cases: r.cases.map(({ run: _run, ...c }) => c) };
}
