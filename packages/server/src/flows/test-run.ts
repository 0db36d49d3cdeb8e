import { randomUUID } from 'node:crypto';
import { createEngine, type ActionRegistry, type CredentialResolver, type Flow, type RunRecord } from '@splice/runtime';
import type { CredentialStore } from '../credentials/credential-store';
import { createStoreCredentialResolver } from '../credentials/store-resolver';
import type { LocationTokens } from '../credentials/location-tokens';
import type { TokenRefresher } from '../credentials/token-refresher';
import type { EnvironmentSettings } from '../environments/environment-store';

/**
 * A test run from the editor: the real engine, synchronously, against the STAGING environment (sandbox
 * base URLs, staging credential bindings and values). Dry runs send nothing: call steps record the
 * request they would send. Not queued and not kept in run history.
 */
export interface TestRunDeps {
  actions: ActionRegistry;
  environment: EnvironmentSettings;
  credentials?: CredentialStore;
  refresher?: TokenRefresher;
  /** Location tokens of agency connections and token groups (the server's, shared with its workers). */
  locationTokens?: LocationTokens;
}

export async function testRun(flow: Flow, event: unknown, opts: { dryRun?: boolean; signal?: AbortSignal }, deps: TestRunDeps): Promise<RunRecord> {
  let credentials: CredentialResolver | undefined;
  let secrets: string[] = [];
  if (deps.credentials && deps.refresher) {
    credentials = createStoreCredentialResolver({
      store: deps.credentials,
      refresher: deps.refresher,
      bindings: deps.environment.bindings,
      ...(deps.locationTokens ? { locationTokens: deps.locationTokens } : {}),
    });
    secrets = await deps.credentials.secretValues();
  }
  const engine = createEngine({
    actions: deps.actions,
    ...(credentials ? { credentials } : {}),
    env: deps.environment.values,
    baseUrls: deps.environment.baseUrls,
  });
  return engine.run(flow, event, { runId: `test-${randomUUID()}`, dryRun: opts.dryRun ?? false, secrets, ...(opts.signal ? { signal: opts.signal } : {}) });
}
