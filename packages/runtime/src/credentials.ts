/**
 * How the runtime gets secrets: through a resolver it is given. The runtime never stores secrets
 * and never puts them into run records (see redact.ts).
 */
export type AuthMaterial =
  | { kind: 'bearer'; token: string }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'header'; name: string; value: string }
  | { kind: 'none' };

export interface ResolvedCredential {
  /** Stored credential name, e.g. `ghl-main`. */
  name: string;
  connector: string;
  /** Version of the secret in use: a run keeps the version it started with while rotation happens. */
  version: number;
  auth: AuthMaterial;
  /** OAuth scopes granted (undefined: unknown / not scoped, e.g. an API key). */
  scopes?: string[];
  /** Non-secret facts such as locationId or companyId. */
  meta?: Record<string, string>;
  /**
   * The resource (a HighLevel location id) this auth is for, when one credential serves many (an agency
   * connection hands out one token per location): a 401 refreshes that resource's token only.
   */
  resource?: string;
}

export interface CredentialResolver {
  /**
   * Resolve a flow-local credential name (already bound by the environment) to usable auth.
   * `scope`/`stepId`/`uses` (optional) let the resolver refuse a credential that lacks the operation's
   * scope before any request is sent (ScopeError `CREDENTIAL_SCOPE_MISSING`); `runId` lets a resolver shared
   * by many runs keep the version each run started with. `resource` is what the call is about (the
   * location id in its parameters, see ActionDefinition.resourceOf): a credential that serves several
   * locations answers with that location's token.
   */
  resolve(
    name: string,
    opts?: { connector?: string; scope?: string; stepId?: string; uses?: string; runId?: string; resource?: string },
  ): Promise<ResolvedCredential>;
  /** Called once when a request with this credential answered 401: refresh and return the new one, or throw. */
  onUnauthorized?(cred: ResolvedCredential): Promise<ResolvedCredential>;
}
