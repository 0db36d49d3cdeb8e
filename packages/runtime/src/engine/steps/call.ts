import type { ActionContext } from '../../actions/action';
import type { AuthMaterial, ResolvedCredential } from '../../credentials';
import { ActionError, CredentialError, SpliceError } from '../../errors';
import { schemaViolations } from '../../mapping/result-schema';
import { templateExpressions } from '../../mapping/template';
import { parseDuration } from '../../model/duration';
import type { CallStep } from '../../model/flow';
import { resolveRetryPolicy, retryDelayMs, shouldRetry, sleep } from '../retry-policy';
import type { StepAttempt } from '../run-record';
import type { StepRunContext } from '../step-context';
import { isTruthy } from '../truthiness';
import { defineStep, expressionField } from './define-step';

const DEFAULT_CALL_TIMEOUT_MS = 30_000;

export const callStep = defineStep<CallStep>({
  type: 'call',
  title: 'Call',
  description:
    'Runs an action (`http` or a catalog operation) with the evaluated `with` input, retrying per `retry`. Its output is the response body; status and headers are in the attempt record. Skipped when `when` is false.',
  expressions: (step) => [
    ...expressionField(step, 'when'),
    ...templateExpressions((step as { with?: unknown }).with, ['with']).map((e) => ({ ...e, prefixLength: 1 })),
  ],
  children: () => [],
  async run(step, ctx) {
    if (step.when !== undefined && !isTruthy(await ctx.evaluate(step.when, ['when']))) return { status: 'skipped' };
    const run = ctx.run;
    const action = run.actions.get(step.uses);
    if (!action) {
      throw new ActionError(
        'ACTION_NOT_FOUND',
        `step \`${ctx.path}\` uses \`${step.uses}\`, which is not a known action. Use \`http\` or an operation id from \`splice catalog\`.`,
      );
    }
    ctx.record.uses = step.uses;
    // The input first: the credential may depend on it (one agency credential, a token per location).
    const input = (await ctx.evaluateTemplate(step.with ?? {}, ['with'])) as Record<string, unknown>;
    const resource = action.resourceOf?.(input);
    if (resource !== undefined) ctx.record.resource = resource;
    const credential = step.credential ? await resolveCredential(step, ctx, action.scope, resource) : undefined;
    ctx.record.input = run.redactor.value(input);
    if (action.inputSchema && !action.validatesInput) {
      const problems = schemaViolations(input, action.inputSchema);
      if (problems.length > 0) {
        throw new ActionError(
          'ACTION_INVALID_INPUT',
          `input of \`${step.uses}\` is not valid: ${problems.join('; ')}. Fix the step's \`with\`.`,
          {
            details: { violations: problems },
          },
        );
      }
    }
    const policy = resolveRetryPolicy(step.retry);
    const timeoutMs = parseDuration(step.timeout, DEFAULT_CALL_TIMEOUT_MS);
    for (let attempt = 1; ; attempt++) {
      const record: StepAttempt = { attempt, startedAt: new Date().toISOString(), durationMs: 0 };
      ctx.record.attempts.push(record);
      const started = performance.now();
      const actionCtx: ActionContext = {
        stepId: ctx.path,
        credential,
        credentials: run.credentials,
        idempotencyKey: `${run.runId}:${ctx.path}`,
        signal: run.signal,
        dryRun: run.dryRun,
        http: run.http,
        attempt,
        baseUrls: run.baseUrls,
        strictResponses: run.strictResponses,
        paginate: step.paginate,
        timeoutMs,
        // Method shorthand: tsx's keepNames wraps arrow-function properties in a costly __name() per attempt.
        recordRequest(req) {
          record.request = { ...req, url: run.redactor.text(req.url), headers: run.redactor.headers(req.headers), body: run.redactor.value(req.body) };
        },
        recordResponse(res) {
          record.response = { ...res, headers: run.redactor.headers(res.headers), body: run.redactor.value(res.body) };
        },
        warn(message) {
          (ctx.record.warnings ??= []).push(run.redactor.text(message));
        },
      };
      try {
        const output = await action.run(input, actionCtx);
        record.durationMs = performance.now() - started;
        return { output };
      } catch (err) {
        record.durationMs = performance.now() - started;
        const e =
          err instanceof SpliceError
            ? err
            : new ActionError('ACTION_FAILED', `action \`${step.uses}\` failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
        record.error = { code: e.code, message: run.redactor.text(e.message), retryable: e.retryable };
        if (run.signal.aborted || attempt >= policy.maxAttempts || !shouldRetry(e, policy)) throw e;
        const delay = retryDelayMs(e, attempt, policy);
        if (delay === undefined) throw e;
        await sleep(delay, run.signal);
      }
    }
  },
});

/** A credential the step needs but cannot get fails the step at once: retrying will not conjure it. */
async function resolveCredential(
  step: CallStep,
  ctx: StepRunContext,
  scope: string | undefined,
  resource: string | undefined,
): Promise<ResolvedCredential> {
  const name = step.credential as string;
  const resolver = ctx.run.credentials;
  const connector = ctx.run.flow.credentials?.[name]?.connector;
  if (!resolver) {
    throw new CredentialError(
      'CREDENTIAL_UNAVAILABLE',
      `step \`${ctx.path}\` needs credential \`${name}\` but no credential store is configured. Add the credential (\`splice credentials add\`) or run through the server.`,
    );
  }
  let credential: ResolvedCredential;
  try {
    credential = await resolver.resolve(name, { connector, scope, stepId: ctx.path, uses: step.uses, ...(resource !== undefined ? { resource } : {}) });
  } catch (err) {
    if (err instanceof SpliceError) throw err;
    throw new CredentialError(
      'CREDENTIAL_UNAVAILABLE',
      `credential \`${name}\` for step \`${ctx.path}\` could not be resolved: ${(err as Error)?.message ?? String(err)}. Check that it exists and is bound in this environment.`,
      { cause: err },
    );
  }
  for (const secret of secretsOf(credential.auth)) ctx.run.redactor.addSecret(secret);
  return credential;
}

export function secretsOf(auth: AuthMaterial): string[] {
  switch (auth.kind) {
    case 'bearer':
      return [auth.token];
    case 'basic':
      return [auth.password, `${auth.username}:${auth.password}`];
    case 'header':
      return [auth.value];
    default:
      return [];
  }
}
