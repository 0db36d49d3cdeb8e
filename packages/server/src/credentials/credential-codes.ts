import { CredentialError, ScopeError, type SpliceErrorOptions } from '@splice/runtime';

/**
 * Stable codes of every credential error (documented in docs/errors.md). The classes are the
 * runtime's CredentialError / ScopeError so the engine recognises them without importing the server.
 */
export const CredentialCode = {
  NOT_FOUND: 'CREDENTIAL_NOT_FOUND',
  EXISTS: 'CREDENTIAL_EXISTS',
  KIND_UNKNOWN: 'CREDENTIAL_KIND_UNKNOWN',
  FIELD_INVALID: 'CREDENTIAL_FIELD_INVALID',
  MASTER_KEY_INVALID: 'CREDENTIAL_MASTER_KEY_INVALID',
  MASTER_KEY_INSECURE: 'CREDENTIAL_MASTER_KEY_INSECURE',
  DECRYPT_FAILED: 'CREDENTIAL_DECRYPT_FAILED',
  NEEDS_RECONNECT: 'CREDENTIAL_NEEDS_RECONNECT',
  REFRESH_FAILED: 'CREDENTIAL_REFRESH_FAILED',
  LOCK_TIMEOUT: 'CREDENTIAL_LOCK_TIMEOUT',
  NOT_REFRESHABLE: 'CREDENTIAL_NOT_REFRESHABLE',
  WRONG_CONNECTOR: 'CREDENTIAL_WRONG_CONNECTOR',
  UNBOUND: 'CREDENTIAL_UNBOUND',
  OAUTH_FAILED: 'CREDENTIAL_OAUTH_FAILED',
  TEST_FAILED: 'CREDENTIAL_TEST_FAILED',
  SCOPE_MISSING: 'CREDENTIAL_SCOPE_MISSING',
  LOCATION_NOT_COVERED: 'CREDENTIAL_LOCATION_NOT_COVERED',
  LOCATION_REQUIRED: 'CREDENTIAL_LOCATION_REQUIRED',
} as const;
export type CredentialCode = (typeof CredentialCode)[keyof typeof CredentialCode];

export function credentialError(code: CredentialCode, message: string, opts?: SpliceErrorOptions): CredentialError {
  return new CredentialError(code, message, opts);
}

export function scopeError(message: string, opts?: SpliceErrorOptions): ScopeError {
  return new ScopeError(CredentialCode.SCOPE_MISSING, message, opts);
}
