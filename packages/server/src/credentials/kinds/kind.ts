import type { AuthMaterial } from '@splice/runtime';

/** One field of a credential kind. Secret fields are encrypted and versioned; the rest are plain metadata. */
export interface KindField {
  name: string;
  secret: boolean;
  required: boolean;
  description: string;
  /** Default value for a non-secret field. */
  default?: string;
}

/** What `splice credentials test` sends: a harmless GET, or a local check when there is nothing to call. */
export type KindTest = { type: 'http'; method: 'GET'; url: string; headers: Record<string, string> } | { type: 'local'; check(): void };

export interface KindContext {
  secret: Record<string, string>;
  meta: Record<string, string>;
  scopes?: string[];
}

/**
 * A credential kind, declared once: its fields (and which are secret), the secret the CLI reads from
 * stdin / an env variable, how it turns into AuthMaterial, and how it is tested. CLI flags, `show`
 * output, validation and redaction all derive from this.
 */
export interface CredentialKind {
  kind: string;
  connector: string;
  title: string;
  fields: KindField[];
  /** The secret field filled by `--token-stdin` / `--from-env VAR`. */
  primarySecret: string;
  /** Holds scopes (OAuth scopes granted, or scopes a private integration token was created with). */
  scoped: boolean;
  /** OAuth tokens that expire and are refreshed by the TokenRefresher. */
  refreshable: boolean;
  /**
   * Serves several locations with a token each (credential-locations.ts): `agency` obtains them from the
   * company token on demand (LocationTokens), `grouped` holds one private integration token per location.
   * A call through such a credential must name its location (ActionDefinition.resourceOf).
   */
  locations?: 'agency' | 'grouped';
  /** Production base URL for `test` (overridden by --base-url or the environment's base URL). */
  defaultBaseUrl?: string;
  toAuth(ctx: KindContext, name: string): AuthMaterial;
  /** Extra checks beyond required fields (e.g. a PEM key parses). Throws CredentialError. */
  validate?(ctx: KindContext): void;
  test(ctx: KindContext, baseUrl: string): KindTest;
  /**
   * Strings derived from secrets that can appear on the wire (e.g. base64 of `id:secret` in a Basic
   * header), so the redactor can scrub them too.
   */
  derivedSecrets?(ctx: KindContext): string[];
}

export function defineKind(k: CredentialKind): CredentialKind {
  return k;
}
