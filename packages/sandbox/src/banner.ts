import type { Sandbox } from './sandbox';

/** What `splice sandbox` prints at start: where the stand-ins listen and the demo credentials. */
export function formatSandboxBanner(sb: Sandbox): string {
  const hl = sb.credentials.highlevel;
  const pc = sb.credentials.payaca;
  const indent = (pem: string) =>
    pem
      .trim()
      .split('\n')
      .map((l) => `    ${l}`)
      .join('\n');
  return [
    `Splice sandbox (seed ${sb.seed}): stand-ins on 127.0.0.1, nothing leaves this machine.`,
    `  combined root ${sb.url}: HighLevel at ${sb.baseUrls.highlevel}, Payaca at ${sb.baseUrls.payaca}`,
    '',
    `HighLevel (Users API / Social Planner)  ${sb.highlevel.url}`,
    `  company ${hl.companyId}`,
    ...hl.locations.map((l) => `  location ${l.id}  ${l.name}\n    private integration token: ${l.privateIntegrationToken}`),
    `  limited PIT (socialplanner/tag.readonly only): ${hl.limitedPrivateIntegrationToken}`,
    `  OAuth client id:     ${hl.oauth.clientId}`,
    `  OAuth client secret: ${hl.oauth.clientSecret}`,
    `  consent page: ${sb.highlevel.url}/oauth/chooselocation?response_type=code&client_id=${hl.oauth.clientId}&redirect_uri=<your callback>&scope=socialplanner/tag.readonly`,
    `  token endpoint: POST ${sb.highlevel.url}/oauth/token`,
    `  agency: the app is installed on all ${hl.locations.length} locations; approve "for the agency" (user_type Company), then POST ${sb.highlevel.url}/oauth/locationToken per location`,
    `    a new location joins with POST ${sb.highlevel.url}/_sandbox/locations {"name": "..."} (sends INSTALL to the webhook subscriptions)`,
    `  webhook public key (Ed25519, x-ghl-signature):`,
    indent(hl.webhookPublicKey),
    `  legacy webhook public key (RSA, x-wh-signature):`,
    indent(hl.legacyWebhookPublicKey),
    '',
    `Payaca  ${sb.payaca.url}`,
    `  API key (Basic auth): client id ${pc.clientId}`,
    `                        client secret ${pc.clientSecret}`,
    `  webhook secret (X-Payaca-Signature): ${pc.webhookSecret}`,
    '',
    `Admin: ${sb.highlevel.url}/_sandbox/{info,requests,counters,faults,reset,seed,webhooks/send}`,
    `       ${sb.payaca.origin}/_sandbox/{info,requests,counters,faults,reset,seed,webhooks/send,webhooks/subscriptions}`,
  ].join('\n');
}
