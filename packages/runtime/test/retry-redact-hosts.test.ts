import { describe, expect, it } from 'vitest';
import { ActionError, hostAllowed, Redactor, resolveRetryPolicy, retryAfterMs, retryDelayMs, shouldRetry } from '../src/index';

describe('retry policy', () => {
  const policy = resolveRetryPolicy({ initialDelay: '100ms', maxDelay: '1s' });

  it('has the documented defaults', () => {
    const d = resolveRetryPolicy(undefined);
    expect(d).toMatchObject({ maxAttempts: 3, initialDelayMs: 500, maxDelayMs: 30_000 });
    expect([...d.retryOn]).toEqual([408, 425, 429, 500, 502, 503, 504]);
  });

  it("resolves a step's retry once per spec, read-only", () => {
    const spec = { maxAttempts: 5, initialDelay: '2s' as const };
    const first = resolveRetryPolicy(spec);
    expect(resolveRetryPolicy(spec)).toBe(first);
    expect(first).toMatchObject({ maxAttempts: 5, initialDelayMs: 2000, maxDelayMs: 30_000 });
    expect(resolveRetryPolicy({ maxAttempts: 2 })).toMatchObject({ maxAttempts: 2, initialDelayMs: 500 });
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('uses full jitter within an exponentially growing, capped window', () => {
    const err = new ActionError('HTTP_5XX', 'x', { retryable: true, details: { status: 503 } });
    expect(retryDelayMs(err, 1, policy, () => 0)).toBe(0);
    expect(retryDelayMs(err, 1, policy, () => 0.999)).toBe(99);
    expect(retryDelayMs(err, 3, policy, () => 0.999)).toBe(399);
    expect(retryDelayMs(err, 10, policy, () => 0.999)).toBe(999); // capped at maxDelay
  });

  it('never retries sooner than Retry-After, and gives up when Retry-After exceeds maxDelay', () => {
    const soon = new ActionError('HTTP_4XX', 'x', { retryable: true, details: { status: 429, retryAfterMs: 700 } });
    expect(retryDelayMs(soon, 1, policy, () => 0)).toBe(700);
    const late = new ActionError('HTTP_4XX', 'x', { retryable: true, details: { status: 429, retryAfterMs: 5000 } });
    expect(retryDelayMs(late, 1, policy, () => 0)).toBeUndefined();
  });

  it('retries statuses by the step policy and other errors by `retryable`', () => {
    const custom = resolveRetryPolicy({ retryOn: [409] });
    expect(shouldRetry(new ActionError('HTTP_4XX', 'x', { details: { status: 409 } }), custom)).toBe(true);
    expect(shouldRetry(new ActionError('HTTP_5XX', 'x', { retryable: true, details: { status: 503 } }), custom)).toBe(false);
    expect(shouldRetry(new ActionError('HTTP_NETWORK', 'x', { retryable: true }), custom)).toBe(true);
    expect(shouldRetry(new Error('plain'), custom)).toBe(false);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    const now = Date.parse('Fri, 27 Nov 2026 06:00:00 GMT');
    expect(retryAfterMs('Fri, 27 Nov 2026 06:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});

describe('redaction', () => {
  it('redacts sensitive headers, fields, URL query secrets and literal secrets, copy-on-write', () => {
    const r = new Redactor(['s3cr3t-value', 'abc']);
    expect(
      r.headers({
        Authorization: 'Bearer x',
        'X-Api-Key': 'k',
        'x-ghl-signature': 'sig',
        'Content-Type': 'application/json',
        'x-note': 'has s3cr3t-value inside',
      }),
    ).toEqual({
      Authorization: '[redacted]',
      'X-Api-Key': '[redacted]',
      'x-ghl-signature': '[redacted]',
      'Content-Type': 'application/json',
      'x-note': 'has [redacted] inside',
    });
    const clean = { a: [1, { b: 'plain' }], c: 'abc is too short to search' };
    expect(r.value(clean)).toBe(clean);
    expect(r.value({ access_token: 't', nested: { password: 'p', ok: 's3cr3t-value!' } })).toEqual({
      access_token: '[redacted]',
      nested: { password: '[redacted]', ok: '[redacted]!' },
    });
    expect(r.text('http://h/x?api_key=zzz&page=2')).toBe('http://h/x?api_key=%5Bredacted%5D&page=2');
  });
});

describe('outbound host allow-list', () => {
  const u = (s: string) => new URL(s);
  it('allows loopback only when no list is configured, plus base URL hosts always', () => {
    expect(hostAllowed(u('http://127.0.0.1:9/x'), undefined, {})).toBe(true);
    expect(hostAllowed(u('http://localhost/x'), undefined, {})).toBe(true);
    expect(hostAllowed(u('http://[::1]:80/x'), undefined, {})).toBe(true);
    expect(hostAllowed(u('https://example.com/x'), undefined, {})).toBe(false);
    expect(hostAllowed(u('https://services.leadconnectorhq.com/x'), undefined, { highlevel: 'https://services.leadconnectorhq.com' })).toBe(
      true,
    );
  });
  it('matches exact hosts, host:port, wildcards and `*`', () => {
    expect(hostAllowed(u('https://api.example.com/x'), ['*.example.com'], {})).toBe(true);
    expect(hostAllowed(u('https://example.com/x'), ['*.example.com'], {})).toBe(false);
    expect(hostAllowed(u('http://h.test:8080/x'), ['h.test:8080'], {})).toBe(true);
    expect(hostAllowed(u('http://h.test:8081/x'), ['h.test:8080'], {})).toBe(false);
    expect(hostAllowed(u('http://127.0.0.1/x'), ['example.com'], {})).toBe(false);
    expect(hostAllowed(u('https://anything.io/x'), ['*'], {})).toBe(true);
  });
});
