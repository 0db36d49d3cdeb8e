import { ActionError } from '../errors';
import { defineAction, type OutboundRequest } from './action';

export interface HttpActionInput {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  query?: OutboundRequest['query'];
  body?: unknown;
}

/** The generic `http` action: any request, to an allowed host. Output is the response body. */
export const httpAction = defineAction<HttpActionInput>({
  id: 'http',
  connector: 'http',
  title: 'HTTP request',
  description: 'Sends an HTTP request (method, url, headers, query, body) and outputs the response body. JSON bodies are sent as JSON.',
  inputSchema: {
    type: 'object',
    required: ['url'],
    additionalProperties: false,
    properties: {
      method: {
        type: 'string',
        enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'get', 'post', 'put', 'patch', 'delete', 'head', 'options'],
      },
      url: { type: 'string', minLength: 1, description: 'Absolute http(s) URL.' },
      headers: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
      query: { type: 'object' },
      body: {},
    },
  },
  async run(input, ctx) {
    if (!/^https?:\/\//i.test(input.url)) {
      throw new ActionError(
        'HTTP_INVALID_REQUEST',
        `\`url\` must be an absolute http(s) URL, got ${JSON.stringify(input.url)}. Fix the step's \`with.url\`.`,
      );
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(input.headers ?? {})) headers[k] = String(v);
    const res = await ctx.http.send(
      { method: (input.method ?? 'GET').toUpperCase(), url: input.url, headers, query: input.query, body: input.body },
      ctx,
    );
    return res.body;
  },
});
