import { describe, expect, it } from 'vitest';
import { FaultInjector, validateFaultRules } from '../src/core/faults';

/** Fault decisions are a pure function of seed, rule, route and the n-th request on that route. */

function pattern(seed: number, routes: string[]) {
  const f = new FaultInjector('highlevel', 1);
  f.configure({ seed, highlevel: [{ route: '*', errorRate: 0.25, rate429: 0.25, resetRate: 0.1, hangRate: 0.1 }] });
  return routes.map((r) => f.decide(r, undefined, r).kind ?? 'ok');
}

describe('FaultInjector', () => {
  it('reproduces per route whatever the interleaving between routes', () => {
    const a = pattern(9, ['A', 'A', 'B', 'A', 'B', 'B', 'A', 'A']);
    const b = pattern(9, ['B', 'B', 'B', 'A', 'A', 'A', 'A', 'A']);
    const perRoute = (routes: string[], kinds: string[], route: string) => kinds.filter((_, i) => routes[i] === route);
    expect(perRoute(['A', 'A', 'B', 'A', 'B', 'B', 'A', 'A'], a, 'A')).toEqual(perRoute(['B', 'B', 'B', 'A', 'A', 'A', 'A', 'A'], b, 'A'));
    expect(perRoute(['A', 'A', 'B', 'A', 'B', 'B', 'A', 'A'], a, 'B')).toEqual(perRoute(['B', 'B', 'B', 'A', 'A', 'A', 'A', 'A'], b, 'B'));
  });

  it('rates hold over many requests', () => {
    const kinds = pattern(
      3,
      Array.from({ length: 4000 }, () => 'R'),
    );
    const share = (k: string) => kinds.filter((x) => x === k).length / kinds.length;
    expect(share('error')).toBeGreaterThan(0.2);
    expect(share('error')).toBeLessThan(0.3);
    expect(share('429')).toBeGreaterThan(0.2);
    expect(share('429')).toBeLessThan(0.3);
    expect(share('ok')).toBeGreaterThan(0.25);
  });

  it('matches rules by operationId, route template and path prefix', () => {
    const f = new FaultInjector('payaca', 1);
    f.configure({
      payaca: [
        { route: 'list-tax-rates', errorRate: 1 },
        { route: 'PATCH /v1/projects/{projectId}', rate429: 1 },
        { route: '/v1/customers*', resetRate: 1 },
      ],
    });
    expect(f.decide('GET /v1/tax-rates', 'list-tax-rates', '/v1/tax-rates').kind).toBe('error');
    expect(f.decide('PATCH /v1/projects/{projectId}', 'update-project', '/v1/projects/9').kind).toBe('429');
    expect(f.decide('GET /v1/customers/{customerId}', 'get-customer', '/v1/customers/5').kind).toBe('reset');
    expect(f.decide('GET /v1/custom-fields', 'list-custom-field-definitions', '/v1/custom-fields').kind).toBeUndefined();
  });

  it('refuses rates outside 0..1 and shares adding up past 1', () => {
    expect(() => validateFaultRules([{ errorRate: -0.1 }], 'x')).toThrow(/x\[0\]\.errorRate/);
    expect(() => validateFaultRules([{ errorRate: 0.6, rate429: 0.6 }], 'x')).toThrow(/must not exceed 1/);
    expect(() => validateFaultRules([{ errorStatus: 200 }], 'x')).toThrow(/errorStatus/);
  });
});
