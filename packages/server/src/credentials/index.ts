export { CredentialCode, credentialError, scopeError } from './credential-codes';
export { type CredentialInfo, reconnectCommand } from './credential-info';
export {
  CredentialStore,
  DEFAULT_VERSION_RETENTION_MS,
  type AddCredentialInput,
  type NewVersionInput,
  type UnsealedCredential,
} from './credential-store';
export {
  credentialKinds,
  getKind,
  splitFields,
  HIGHLEVEL_API_BASE,
  HIGHLEVEL_API_VERSION,
  PAYACA_API_BASE,
  agencyApiBase,
  appIdOf,
  type CredentialKind,
  type KindField,
} from './kinds/index';
export { loadKeyring, parseMasterKey, generateMasterKey, MASTER_KEY_ENV, type Keyring, type MasterKey } from './master-key';
export { TokenRefresher, isExpiring, refreshSkewMs, type RefreshStats, type TokenRefresherOptions } from './token-refresher';
export { CredentialLocations, type LocationInfo, type LocationToken, type LocationUpsert } from './credential-locations';
export { LocationTokens, type LocationTokenStats, type LocationTokensOptions } from './location-tokens';
export { syncInstalledLocations, type LocationSyncResult } from './installed-locations';
export { notCovered, locationRequired, locationsServedBy } from './location-errors';
export {
  createStoreCredentialResolver,
  toLocationResolved,
  assertCredentialScope,
  toResolved,
  type ResolveNeeds,
  type StoreCredentialResolverOptions,
} from './store-resolver';
export {
  deriveFlowScopes,
  scopesByCredential,
  createCredentialScopeCheck,
  loadCredentialScopeCheck,
  type FlowScopeNeed,
  type FlowCheckIssue,
  type CredentialFlowCheck,
} from './flow-scopes';
export {
  buildInstallUrl,
  oauthEndpoints,
  exchangeCode,
  refreshTokens,
  OAuthGrantError,
  HIGHLEVEL_INSTALL_URL,
  type OAuthTokens,
} from './highlevel-oauth';
export {
  OAuthLoginRegistry,
  completeOAuthCallback,
  createOAuthCallbackHandler,
  saveOAuthTokens,
  resolveLoginSettings,
  type PendingLogin,
  type CallbackOutcome,
} from './oauth-login';
export { testCredential, type CredentialTestResult } from './credential-test';
export { createScopeCheckingSender } from './scope-checking-sender';
