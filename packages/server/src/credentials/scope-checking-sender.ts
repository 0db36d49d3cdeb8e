import type { ActionContext, HttpSender, InboundResponse, OutboundRequest } from '@splice/runtime';
import { assertCredentialScope } from './store-resolver';

/**
 * Wraps an HttpSender so a call whose credential lacks the operation's scope fails with ScopeError
 * (CREDENTIAL_SCOPE_MISSING) before anything is sent. `scopeOf` maps a step (ctx.stepId) to its
 * action's scope and id; the engine knows both.
 */
export function createScopeCheckingSender(
  inner: HttpSender,
  scopeOf: (ctx: ActionContext) => { scope?: string; uses?: string } | undefined,
): HttpSender {
  return {
    async send(req: OutboundRequest, ctx: ActionContext): Promise<InboundResponse> {
      const need = scopeOf(ctx);
      if (ctx.credential && need?.scope) assertCredentialScope(ctx.credential, { scope: need.scope, uses: need.uses, stepId: ctx.stepId });
      return inner.send(req, ctx);
    },
  };
}
