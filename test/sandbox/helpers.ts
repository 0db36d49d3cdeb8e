import type { Sandbox } from '../../packages/sandbox/src/index';

/** Small HTTP helpers for sandbox tests: real requests over loopback, answers parsed as JSON. */

export interface JsonAnswer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read answers of many shapes
  body: any;
}

export async function call(url: string, init: RequestInit = {}): Promise<JsonAnswer> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON (e.g. the consent page)
  }
  return { status: res.status, headers: res.headers, body };
}

export function highlevelClient(sb: Sandbox, token = sb.credentials.highlevel.privateIntegrationToken, version = '2021-07-28') {
  const headers = (extra: Record<string, string> = {}) => ({
    Authorization: `Bearer ${token}`,
    Version: version,
    'content-type': 'application/json',
    ...extra,
  });
  return {
    get: (path: string, extra?: Record<string, string>) => call(`${sb.highlevel.url}${path}`, { headers: headers(extra) }),
    post: (path: string, body: unknown, extra?: Record<string, string>) =>
      call(`${sb.highlevel.url}${path}`, { method: 'POST', headers: headers(extra), body: JSON.stringify(body) }),
    send: (method: string, path: string, body?: unknown, extra?: Record<string, string>) =>
      call(`${sb.highlevel.url}${path}`, {
        method,
        headers: headers(extra),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
  };
}

export function payacaClient(sb: Sandbox) {
  const { clientId, clientSecret } = sb.credentials.payaca;
  const auth = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
  const headers = { Authorization: auth, 'content-type': 'application/json' };
  return {
    get: (path: string) => call(`${sb.payaca.url}${path}`, { headers }),
    send: (method: string, path: string, body?: unknown) =>
      call(`${sb.payaca.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }),
  };
}

/** Collects what a loopback receiver got (for webhook tests). */
export interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}
