import { defineKind, type KindContext } from './kind';

function genericTest(ctx: KindContext, base: string, headers: Record<string, string>) {
  const url = ctx.meta.testUrl ?? base;
  return { type: 'http' as const, method: 'GET' as const, url, headers };
}

export const bearerToken = defineKind({
  kind: 'bearer',
  connector: 'http',
  title: 'Generic bearer token',
  fields: [
    { name: 'token', secret: true, required: true, description: 'token sent as `Authorization: Bearer <token>`' },
    { name: 'testUrl', secret: false, required: false, description: 'URL that `credentials test` GETs' },
  ],
  primarySecret: 'token',
  scoped: false,
  refreshable: false,
  toAuth: (ctx) => ({ kind: 'bearer', token: ctx.secret.token! }),
  test: (ctx, base) => genericTest(ctx, base, { Authorization: `Bearer ${ctx.secret.token}` }),
});

export const apiKeyHeader = defineKind({
  kind: 'api-key-header',
  connector: 'http',
  title: 'Generic API key sent in a header',
  fields: [
    { name: 'apiKey', secret: true, required: true, description: 'the API key' },
    { name: 'headerName', secret: false, required: false, description: 'header that carries the key', default: 'X-API-Key' },
    { name: 'testUrl', secret: false, required: false, description: 'URL that `credentials test` GETs' },
  ],
  primarySecret: 'apiKey',
  scoped: false,
  refreshable: false,
  toAuth: (ctx) => ({ kind: 'header', name: ctx.meta.headerName ?? 'X-API-Key', value: ctx.secret.apiKey! }),
  test: (ctx, base) => genericTest(ctx, base, { [ctx.meta.headerName ?? 'X-API-Key']: ctx.secret.apiKey! }),
});
