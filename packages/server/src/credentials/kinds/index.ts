import { CredentialCode, credentialError } from '../credential-codes';
import { apiKeyHeader, bearerToken } from './generic';
import { highlevelOauth, highlevelPit, highlevelWebhookKey } from './highlevel';
import { highlevelAgency, highlevelPitLocations } from './highlevel-locations';
import type { CredentialKind, KindContext } from './kind';
import { payacaApiKey, payacaWebhookSecret } from './payaca';

export type { CredentialKind, KindContext, KindField, KindTest } from './kind';
export { HIGHLEVEL_API_BASE, HIGHLEVEL_API_VERSION } from './highlevel';
export { agencyApiBase, appIdOf } from './highlevel-locations';
export { PAYACA_API_BASE } from './payaca';

/** Every credential kind, declared once each. */
export const credentialKinds: readonly CredentialKind[] = [
  highlevelPit,
  highlevelOauth,
  highlevelAgency,
  highlevelPitLocations,
  payacaApiKey,
  bearerToken,
  apiKeyHeader,
  payacaWebhookSecret,
  highlevelWebhookKey,
];

export function getKind(kind: string): CredentialKind {
  const k = credentialKinds.find((x) => x.kind === kind);
  if (!k) {
    throw credentialError(
      CredentialCode.KIND_UNKNOWN,
      `unknown credential kind "${kind}". Use one of: ${credentialKinds.map((x) => x.kind).join(', ')}.`,
    );
  }
  return k;
}

/** Split input values into secret and plain fields, apply defaults, and check required fields. */
const MULTILINE_FIELDS = new Set(['publicKey']);

export function splitFields(
  kind: CredentialKind,
  values: Record<string, string | undefined>,
  opts: { partial?: boolean } = {},
): { secret: Record<string, string>; meta: Record<string, string> } {
  const secret: Record<string, string> = {};
  const meta: Record<string, string> = {};
  for (const f of kind.fields) {
    const v = values[f.name] ?? (f.secret ? undefined : f.default);
    if (v === undefined || v.trim() === '') {
      if (f.required && !opts.partial) {
        throw credentialError(CredentialCode.FIELD_INVALID, `${kind.kind} needs ${f.name} (${f.description}).`, { path: f.name });
      }
      continue;
    }
    // Values end up in HTTP headers (tokens, keys) where a control character breaks or splits the header;
    // only PEM keys span lines.
    if ((MULTILINE_FIELDS.has(f.name) ? /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/ : /[\x00-\x1f\x7f]/).test(v)) {
      throw credentialError(
        CredentialCode.FIELD_INVALID,
        `${kind.kind} ${f.name} contains a control character (a line break, NUL or similar): give the value exactly as issued, e.g. with \`printf %s\` rather than \`echo\`.`,
        { path: f.name },
      );
    }
    (f.secret ? secret : meta)[f.name] = v;
  }
  const known = new Set(kind.fields.map((f) => f.name));
  for (const [k, v] of Object.entries(values)) {
    if (v !== undefined && !known.has(k)) {
      throw credentialError(CredentialCode.FIELD_INVALID, `${kind.kind} has no field ${k}. Fields: ${[...known].join(', ')}.`, { path: k });
    }
  }
  return { secret, meta };
}

export function validateKind(kind: CredentialKind, ctx: KindContext): void {
  kind.validate?.(ctx);
}
