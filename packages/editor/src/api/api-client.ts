import type * as C from '@splice/server/api/contract';

/**
 * The editor's only way to the server: the REST API under /api with the admin token. Each method is one
 * route of the wire contract (packages/server/src/api/contract.ts).
 */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: C.ApiIssue[] = [],
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'splice.adminToken';

/** The admin token: from `#token=` (the URL `splice start` prints), else sessionStorage. */
export function takeTokenFromLocation(): string | undefined {
  const m = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  if (m) {
    const token = decodeURIComponent(m[1]!);
    sessionStorage.setItem(TOKEN_KEY, token);
    // Do not leave the token in the address bar or history.
    const rest = window.location.hash.replace(/(?:^#|&)token=[^&]+/, '').replace(/^&/, '');
    history.replaceState(null, '', `${window.location.pathname}${window.location.search}#${rest.startsWith('/') ? rest : '/flows'}`);
    return token;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

export function storeToken(token: string | undefined): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** `?a=1&b=2` of the parameters that have a value (empty string when none has). */
export const queryString = (params: Record<string, string | number | undefined>) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') s.set(k, String(v));
  const text = s.toString();
  return text ? `?${text}` : '';
};
const enc = encodeURIComponent;

export class ApiClient {
  constructor(
    private readonly token: () => string | undefined,
    private readonly onUnauthorized: () => void = () => {},
    private readonly base = '/api',
  ) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const token = this.token();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (err) {
      throw new ApiRequestError(0, 'NETWORK', `The Splice server did not answer (${(err as Error).message}). Is \`splice serve\` running?`);
    }
    const text = await res.text();
    let data: unknown;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = undefined;
    }
    if (!res.ok) {
      const e = (data as C.ApiErrorBody | undefined)?.error;
      if (res.status === 401) this.onUnauthorized();
      throw new ApiRequestError(res.status, e?.code ?? `HTTP_${res.status}`, e?.message ?? `${method} ${path} answered ${res.status}`, e?.issues ?? [], e?.details);
    }
    return data as T;
  }

  catalog = () => this.request<C.CatalogResponse>('GET', '/catalog');
  templates = () => this.request<C.ListTemplatesResponse>('GET', '/templates');
  template = (id: string) => this.request<C.TemplateDetail>('GET', `/templates/${enc(id)}`);
  importTemplate = (id: string, flowId?: string) => this.request<C.SaveFlowResponse>('POST', `/templates/${enc(id)}/import`, { flowId } satisfies C.ImportTemplateRequest);

  flows = () => this.request<C.ListFlowsResponse>('GET', '/flows');
  flow = (id: string) => this.request<C.FlowResponse>('GET', `/flows/${enc(id)}`);
  createFlow = (req: C.CreateFlowRequest) => this.request<C.SaveFlowResponse>('POST', '/flows', req);
  updateFlow = (id: string, req: C.UpdateFlowRequest) => this.request<C.SaveFlowResponse>('PUT', `/flows/${enc(id)}`, req);
  validate = (req: C.ValidateRequest) => this.request<C.ValidationResult>('POST', '/validate', req);
  testRun = (id: string, req: C.TestRunRequest) => this.request<C.TestRunResponse>('POST', `/flows/${enc(id)}/test-runs`, req);
  activate = (id: string) => this.request<C.FlowResponse>('POST', `/flows/${enc(id)}/activate`);
  deactivate = (id: string) => this.request<C.FlowResponse>('POST', `/flows/${enc(id)}/deactivate`);
  triggerRun = (id: string, req: C.TriggerRunRequest) => this.request<C.TriggerRunResponse>('POST', `/flows/${enc(id)}/runs`, req);
  deploy = (id: string, req: C.DeployRequest) => this.request<C.DeployResponse>('POST', `/flows/${enc(id)}/deploy`, req);
  revisions = (id: string) => this.request<C.ListRevisionsResponse>('GET', `/flows/${enc(id)}/revisions`);
  revision = (id: string, revision: number) => this.request<C.Revision>('GET', `/flows/${enc(id)}/revisions/${revision}`);
  diff = (id: string, from: number, to: number) => this.request<C.DiffResponse>('GET', `/flows/${enc(id)}/diff${queryString({ from, to })}`);

  runs = (f: { flow?: string; status?: string; location?: string; limit?: number; cursor?: string }) => this.request<C.ListRunsResponse>('GET', `/runs${queryString(f)}`);
  run = (runId: string) => this.request<C.RunDetailResponse>('GET', `/runs/${enc(runId)}`);
  replayRun = (runId: string) => this.request<C.ReplayResponse>('POST', `/runs/${enc(runId)}/replay`);
  deadLetters = () => this.request<C.ListDeadLettersResponse>('GET', '/dead-letters');
  replayDeadLetter = (runId: string) => this.request<C.ReplayResponse>('POST', `/dead-letters/${enc(runId)}/replay`);

  credentials = () => this.request<C.ListCredentialsResponse>('GET', '/credentials');
  createCredential = (req: C.CreateCredentialRequest) => this.request<unknown>('POST', '/credentials', req);
  deleteCredential = async (name: string) => (await this.request<unknown>('DELETE', `/credentials/${enc(name)}`), true);
  /** Starts a HighLevel OAuth install; answers the consent page URL to open (staging: the sandbox's). */
  credentialKinds = () => this.request<C.ListCredentialKindsResponse>('GET', '/credentials/kinds');
  startOAuth = (req: C.StartOAuthRequest) => this.request<C.StartOAuthResponse>('POST', '/credentials/oauth/highlevel/start', req);
  /** The locations an agency connection or a token group serves (names and token states, never a token). */
  credentialLocations = (name: string) => this.request<C.ListCredentialLocationsResponse>('GET', `/credentials/${enc(name)}/locations`);
  syncCredentialLocations = (name: string) => this.request<C.SyncCredentialLocationsResponse>('POST', `/credentials/${enc(name)}/locations/sync`);
  /** Every location a credential serves, by name (run history's location filter). */
  locations = () => this.request<C.ListLocationsResponse>('GET', '/locations');

  environments = () => this.request<C.ListEnvironmentsResponse>('GET', '/environments');
  updateEnvironment = (name: string, req: C.UpdateEnvironmentRequest) => this.request<unknown>('PATCH', `/environments/${enc(name)}`, req);
}
