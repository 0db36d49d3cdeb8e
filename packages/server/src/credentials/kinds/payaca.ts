import { CredentialCode, credentialError } from '../credential-codes';
import { defineKind } from './kind';

export const PAYACA_API_BASE = 'https://api.payaca.com/v1';

export const payacaApiKey = defineKind({
  kind: 'payaca-api-key',
  connector: 'payaca',
  title: 'Payaca API key (Basic clientId:clientSecret)',
  fields: [
    { name: 'clientId', secret: false, required: true, description: 'client id of the API key (My Company → Integrations)' },
    { name: 'clientSecret', secret: true, required: true, description: 'client secret (shown once when the key is created)' },
  ],
  primarySecret: 'clientSecret',
  scoped: false,
  refreshable: false,
  defaultBaseUrl: PAYACA_API_BASE,
  toAuth: (ctx) => ({ kind: 'basic', username: ctx.meta.clientId!, password: ctx.secret.clientSecret! }),
  derivedSecrets: (ctx) => [Buffer.from(`${ctx.meta.clientId}:${ctx.secret.clientSecret}`).toString('base64')],
  test: (ctx, base) => ({
    type: 'http',
    method: 'GET',
    url: `${base.replace(/\/$/, '')}/customers?limit=1`,
    headers: {
      Authorization: `Basic ${Buffer.from(`${ctx.meta.clientId}:${ctx.secret.clientSecret}`).toString('base64')}`,
      Accept: 'application/json',
    },
  }),
});

/** Payaca signs webhooks: `X-Payaca-Signature` = hex HMAC-SHA256 of the raw body with this secret. */
export const payacaWebhookSecret = defineKind({
  kind: 'payaca-webhook-secret',
  connector: 'payaca',
  title: 'Payaca webhook signing secret (HMAC-SHA256)',
  fields: [{ name: 'secret', secret: true, required: true, description: 'webhook signing secret' }],
  primarySecret: 'secret',
  scoped: false,
  refreshable: false,
  toAuth: () => ({ kind: 'none' }),
  validate: (ctx) => {
    if ((ctx.secret.secret ?? '').length < 8) {
      throw credentialError(
        CredentialCode.FIELD_INVALID,
        'the webhook secret is shorter than 8 characters; copy the whole secret from Payaca.',
      );
    }
  },
  test: () => ({ type: 'local', check: () => {} }),
});
