import generated from './contract-schemas.generated.json' with { type: 'json' };

/**
 * The REST API's OpenAPI 3.1 document, served at GET /api/openapi.json. Every route is declared once in
 * API_ROUTES (method, path, summary, body and answer); the document is derived from it, and a test
 * checks that every route the router really serves appears here. Schemas are the wire contract's types
 * (api/contract.ts), converted to JSON Schema by generate-contract-schemas.ts.
 */
export interface ApiRouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express-style path under /api, e.g. `/flows/:id`. */
  path: string;
  summary: string;
  tag: string;
  request?: string;
  /** Success status → contract type name ('' for no body). */
  responses: Record<number, string>;
  query?: string[];
  /** Error statuses worth listing besides 401. */
  errors?: number[];
}

const R = (method: ApiRouteDoc['method'], path: string, tag: string, summary: string, responses: Record<number, string>, more: Partial<ApiRouteDoc> = {}): ApiRouteDoc => ({
  method,
  path,
  tag,
  summary,
  responses,
  ...more,
});

export const API_ROUTES: ApiRouteDoc[] = [
  R('get', '/openapi.json', 'meta', 'This OpenAPI document', { 200: 'object' }),
  R('get', '/flows', 'flows', 'List flows', { 200: 'ListFlowsResponse' }),
  R('post', '/flows', 'flows', 'Create a flow from YAML text (revision 1); id defaults to metadata.name', { 201: 'SaveFlowResponse' }, { request: 'CreateFlowRequest', errors: [409, 422] }),
  R('get', '/flows/:id', 'flows', 'A flow with its head YAML (verbatim) and validation', { 200: 'FlowResponse' }, { errors: [404] }),
  R('put', '/flows/:id', 'flows', 'Save a new revision (no revision when the text is unchanged)', { 200: 'SaveFlowResponse' }, { request: 'UpdateFlowRequest', errors: [404, 409, 422] }),
  R('delete', '/flows/:id', 'flows', 'Delete a flow with its revisions, tests and deployments', { 204: '' }, { errors: [404] }),
  R('get', '/flows/:id/revisions', 'flows', 'Revisions, newest first', { 200: 'ListRevisionsResponse' }, { errors: [404] }),
  R('get', '/flows/:id/revisions/:revision', 'flows', 'One revision with its YAML', { 200: 'Revision' }, { errors: [404] }),
  R('get', '/flows/:id/diff', 'flows', 'Unified diff between two revisions (default: head-1 → head)', { 200: 'DiffResponse' }, { query: ['from', 'to'], errors: [404, 422] }),
  R('post', '/flows/:id/rollback', 'flows', 'Roll back: a NEW revision with an old revision’s text', { 200: 'SaveFlowResponse' }, { request: 'RollbackRequest', errors: [404, 422] }),
  R('post', '/flows/:id/validate', 'flows', 'Validate the head (or the given text); errors carry line:col', { 200: 'ValidationResult' }, { request: 'ValidateRequest', errors: [404] }),
  R('post', '/validate', 'flows', 'Validate any flow text; errors carry line:col', { 200: 'ValidationResult' }, { request: 'ValidateRequest', errors: [422] }),
  R('post', '/flows/:id/activate', 'flows', 'Activate: webhook and schedule triggers take events and run the deployed revision (production’s if one was promoted, else staging’s); deploys the head to staging only when nothing is deployed yet', { 200: 'FlowResponse' }, { errors: [404, 422] }),
  R('post', '/flows/:id/deactivate', 'flows', 'Deactivate: webhooks answer 404 and schedules stop', { 200: 'FlowResponse' }, { errors: [404] }),
  R('get', '/flows/:id/tests', 'flow tests', 'The flow’s test file (YAML, verbatim)', { 200: 'FlowTestsDocument' }, { errors: [404] }),
  R('put', '/flows/:id/tests', 'flow tests', 'Store the flow’s test file', { 200: 'FlowTestsDocument' }, { request: 'PutFlowTestsRequest', errors: [404, 422] }),
  R('delete', '/flows/:id/tests', 'flow tests', 'Remove the flow’s test file', { 204: '' }, { errors: [404] }),
  R('post', '/flows/:id/tests/run', 'flow tests', 'Run the flow tests against a revision (default head)', { 200: 'FlowTestReport' }, { errors: [404, 422] }),
  R('post', '/flows/:id/test-runs', 'runs', 'Test-run now against staging with a sample event (optionally dry); answers the run record', { 200: 'RunRecord' }, { request: 'TestRunRequest', errors: [404, 422] }),
  R('post', '/flows/:id/runs', 'runs', 'Manual/API trigger: queue a run of a deployed revision (of `environment`, else the one the triggers run) with a payload (checked against trigger.input)', { 202: 'TriggerRunResponse' }, { request: 'TriggerRunRequest', errors: [404, 409, 422] }),
  R('get', '/flows/:id/deployments', 'environments', 'Revision deployed per environment', { 200: 'ListDeploymentsResponse' }, { errors: [404] }),
  R('post', '/flows/:id/deploy', 'environments', 'Deploy a saved revision (default head) to an environment (default staging); production only through the promotion gate (validation against production and the flow tests)', { 200: 'DeployResponse' }, { request: 'DeployRequest', errors: [404, 422] }),
  R('post', '/flows/:id/promote', 'environments', 'Promote a revision to production: refused unless it validates against production and its flow tests pass', { 200: 'PromoteResponse' }, { request: 'PromoteRequest', errors: [404, 422] }),
  R('get', '/runs', 'runs', 'Run history', { 200: 'ListRunsResponse' }, { query: ['flow', 'status', 'trigger', 'location', 'since', 'until', 'limit', 'cursor'], errors: [422] }),
  R('get', '/runs/:runId', 'runs', 'A run with its steps and attempts (redacted)', { 200: 'RunDetailResponse' }, { errors: [404] }),
  R('post', '/runs/:runId/replay', 'runs', 'Replay a finished run (a new run of the same event)', { 202: 'ReplayResponse' }, { errors: [404, 409] }),
  R('get', '/dead-letters', 'runs', 'Dead letters with their reasons', { 200: 'ListDeadLettersResponse' }, { query: ['flow', 'limit', 'cursor'] }),
  R('post', '/dead-letters/:runId/retry', 'runs', 'Queue a dead letter again (same run, fresh attempts)', { 202: 'RunSummary' }, { errors: [404] }),
  R('post', '/dead-letters/:runId/replay', 'runs', 'Replay a dead letter as a new run', { 202: 'ReplayResponse' }, { errors: [404, 409] }),
  R('delete', '/dead-letters/:runId', 'runs', 'Discard a dead letter (the run stays in history)', { 204: '' }, { errors: [404] }),
  R('get', '/credentials/kinds', 'credentials', 'Credential kinds and their fields', { 200: 'ListCredentialKindsResponse' }),
  R('get', '/credentials', 'credentials', 'Credentials (metadata only, never secrets)', { 200: 'ListCredentialsResponse' }, { errors: [503] }),
  R('post', '/credentials', 'credentials', 'Add a credential; `secret` is write-only', { 201: 'CredentialMetadata' }, { request: 'CreateCredentialRequest', errors: [409, 422, 503] }),
  R('get', '/credentials/:name', 'credentials', 'One credential’s metadata', { 200: 'CredentialMetadata' }, { errors: [404, 503] }),
  R('patch', '/credentials/:name', 'credentials', 'Rotate secret / change scopes or metadata (new version)', { 200: 'CredentialMetadata' }, { request: 'UpdateCredentialRequest', errors: [404, 422, 503] }),
  R('delete', '/credentials/:name', 'credentials', 'Delete a credential (409 while an environment binds it, unless ?force=true)', { 204: '' }, { query: ['force'], errors: [404, 409, 503] }),
  R('post', '/credentials/:name/test', 'credentials', 'Test a credential with one harmless call against an environment (default staging)', { 200: 'TestCredentialResponse' }, { request: 'TestCredentialRequest', errors: [404, 422, 503] }),
  R('get', '/credentials/:name/locations', 'credentials', 'The locations an agency connection or a group of tokens serves, by name, with each one’s token state (never a token)', { 200: 'ListCredentialLocationsResponse' }, { errors: [404, 422, 503] }),
  R('post', '/credentials/:name/locations/sync', 'credentials', 'Re-read where the agency’s app is installed (HighLevel /oauth/installedLocations)', { 200: 'SyncCredentialLocationsResponse' }, { errors: [404, 422, 503] }),
  R('put', '/credentials/:name/locations/:locationId', 'credentials', 'Add or replace a location’s private integration token in a group (write-only)', { 200: 'ListCredentialLocationsResponse' }, { request: 'PutCredentialLocationRequest', errors: [404, 422, 503] }),
  R('delete', '/credentials/:name/locations/:locationId', 'credentials', 'Group: remove the location. Agency: revoke Splice’s copy of its token (the next call obtains a new one)', { 204: '' }, { errors: [404, 422, 503] }),
  R('get', '/locations', 'credentials', 'Every location a credential serves, by name (filters for run history and dashboards)', { 200: 'ListLocationsResponse' }, { errors: [503] }),
  R('post', '/credentials/oauth/highlevel/start', 'credentials', 'Start a HighLevel OAuth install; finishes at /oauth/callback', { 200: 'StartOAuthResponse' }, { request: 'StartOAuthRequest', errors: [422] }),
  R('get', '/catalog', 'catalog', 'Operations grouped by connector, with scopes, and triggers', { 200: 'CatalogResponse' }),
  R('get', '/templates', 'templates', 'Templates with what they do and the scopes they need', { 200: 'ListTemplatesResponse' }),
  R('get', '/templates/:id', 'templates', 'One template with its YAML and tests', { 200: 'TemplateDetail' }, { errors: [404] }),
  R('post', '/templates/:id/import', 'templates', 'Import a template as a new flow (text verbatim, tests included)', { 201: 'SaveFlowResponse' }, { request: 'ImportTemplateRequest', errors: [404, 409] }),
  R('get', '/environments', 'environments', 'Staging and production: base URLs, bindings, values, deployments', { 200: 'ListEnvironmentsResponse' }),
  R('get', '/environments/:name', 'environments', 'One environment', { 200: 'EnvironmentInfo' }, { errors: [404] }),
  R('patch', '/environments/:name', 'environments', 'Replace an environment’s base URLs, bindings or values', { 200: 'EnvironmentInfo' }, { request: 'UpdateEnvironmentRequest', errors: [404, 422] }),
  R('get', '/schedules', 'schedules', 'Active schedule triggers with their next tick', { 200: 'ListSchedulesResponse' }),
  R('get', '/insights/statistics', 'insights', 'Post statistics series (filters: location, platform, from, to, groupBy)', { 200: 'InsightsStatisticsResponse' }, { query: ['location', 'platform', 'from', 'to', 'groupBy'], errors: [422] }),
  R('get', '/insights/statistics.csv', 'insights', 'Post statistics as CSV', { 200: 'text/csv' }, { query: ['location', 'platform', 'from', 'to'], errors: [422] }),
  R('get', '/insights/tags/trends', 'insights', 'Tag usage over time and the fastest rising tags', { 200: 'InsightsTagTrendsResponse' }, { query: ['location', 'from', 'to', 'top'], errors: [422] }),
  R('get', '/insights/tags/snapshots', 'insights', 'Periodic tag snapshots with their diffs, newest first', { 200: 'InsightsTagSnapshotsResponse' }, { query: ['location', 'limit', 'changed'], errors: [422] }),
  R('get', '/insights/tag-map', 'insights', 'The tag-name mapping table (HighLevel ↔ Payaca) of one location', { 200: 'InsightsTagMapResponse' }, { query: ['location'], errors: [422] }),
  R('put', '/insights/tag-map', 'insights', 'Upsert entries of a location\'s tag-name mapping table and delete the listed ids', { 200: 'InsightsPutTagMapResponse' }, { request: 'InsightsPutTagMapRequest', errors: [422] }),
];

const YAML_BODIES = new Set(['CreateFlowRequest', 'UpdateFlowRequest', 'PutFlowTestsRequest', 'ValidateRequest']);

const STATUS_TEXT: Record<number, string> = { 400: 'Bad request', 401: 'Missing or invalid admin token', 404: 'Not found', 409: 'Conflict', 413: 'Body too large', 415: 'Unsupported media type', 422: 'Invalid input', 503: 'Unavailable' };


function schemaRef(name: string): Record<string, unknown> {
  if (name === 'object') return { type: 'object' };
  return { $ref: `#/components/schemas/${name}` };
}

export function openApiDocument(serverUrl = '/api'): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const names = new Set<string>(['ApiErrorBody']);
  for (const r of API_ROUTES) {
    const oaPath = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const params = [...r.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    for (const q of r.query ?? []) params.push({ name: q, in: 'query', required: false, schema: { type: 'string' } });
    const responses: Record<string, unknown> = {};
    for (const [status, type] of Object.entries(r.responses)) {
      if (!type) responses[status] = { description: 'No content' };
      else if (type.includes('/')) responses[status] = { description: r.summary, content: { [type]: { schema: { type: 'string' } } } };
      else {
        if (type !== 'object') names.add(type);
        responses[status] = { description: r.summary, content: { 'application/json': { schema: schemaRef(type) } } };
      }
    }
    // Every route with a body also answers malformed JSON (400), a body over the limit (413) and a body
    // of another content type (415).
    const bodyErrors = r.method === 'get' || r.method === 'delete' ? [] : [400, 413, 415];
    for (const s of [401, ...bodyErrors, ...(r.errors ?? [])]) responses[String(s)] = { description: STATUS_TEXT[s] ?? 'Error', content: { 'application/json': { schema: schemaRef('ApiErrorBody') } } };
    if (r.request && r.request !== 'object') names.add(r.request);
    paths[oaPath] ??= {};
    paths[oaPath][r.method] = {
      operationId: `${r.method}${oaPath.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      summary: r.summary,
      tags: [r.tag],
      ...(params.length ? { parameters: params } : {}),
      ...(r.request
        ? {
            requestBody: {
              required: r.method !== 'post' || !/validate|test-runs|runs$|deploy|promote|activate|import/.test(r.path),
              content: {
                'application/json': { schema: schemaRef(r.request) },
                // Flow texts may also be sent as they are (message/author/id then come from the query).
                ...(YAML_BODIES.has(r.request) ? { 'application/yaml': { schema: { type: 'string' } } } : {}),
              },
            },
          }
        : {}),
      responses,
    };
  }
  // Every contract type is included: schemas refer to each other (e.g. RunStatus inside RunRecord).
  const schemas: Record<string, unknown> = { ...generated.schemas };
  for (const n of names) if (!(n in schemas)) throw new Error(`openapi: no schema for ${n}; declare it in api/contract.ts and regenerate`);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Splice REST API',
      version: '1.0.0',
      description:
        'The API the Splice editor and scripts use. Every route needs `Authorization: Bearer <admin token>` (printed once by `splice serve` at first start; `SPLICE_ADMIN_TOKEN` overrides). Errors are `{ error: { code, message, path?, location?, help?, issues?, details? } }`. Inactive flows: webhooks answer 404, manual runs 409 FLOW_INACTIVE.',
    },
    servers: [{ url: serverUrl }],
    security: [{ adminToken: [] }],
    paths,
    components: { securitySchemes: { adminToken: { type: 'http', scheme: 'bearer' } }, schemas },
  };
}
