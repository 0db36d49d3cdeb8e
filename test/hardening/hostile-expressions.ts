import { prng } from './fuzz-harness';

/**
 * Hostile JSONata expressions for the mapping half of issue 11's fuzz test: seeded, so a failure is
 * reproducible from the seed it prints. Each family is one way a mapping used to stall or crash the
 * server: catastrophic regex backtracking, built-ins on huge sequences, runaway recursion, memory growth.
 */
export interface HostileCase {
  expression: string;
  event: Record<string, unknown>;
}

const REGEXES = ['/(a+)+$/', '/(a|aa)+$/', '/(a*)*b/', '/([a-z]+)*$/', '/(a|a?)+$/', '/^(\\w+\\s?)*$/'];
const BIG = [30_000, 200_000, 1_000_000, 9_999_999];

export function hostileExpressions(seed: number, count: number): HostileCase[] {
  const rnd = prng(seed); // the webhook half's seeded PRNG (fuzz-harness.ts)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const n = () => pick(BIG);
  const families: Array<() => HostileCase> = [
    () => {
      const fn = pick(['$match($event.s, R)', '$contains($event.s, R)', '$replace($event.s, R, "x")', '$split($event.s, R)']);
      const text = `${'a'.repeat(26 + Math.floor(rnd() * 15))}!`;
      return { expression: fn.replace('R', pick(REGEXES)), event: { s: rnd() < 0.5 ? text : text.repeat(200) } };
    },
    () => ({ expression: `$sort([1..${n()}])`, event: {} }),
    () => ({ expression: `$distinct([1..${n()}])`, event: {} }),
    () => ({ expression: `$zip([1..${n()}], [1..${n()}])`, event: {} }),
    () => ({ expression: `$count($map([1..${n()}], $string))`, event: {} }),
    () => ({ expression: `[1..${n()}]^(-$)`, event: {} }),
    () => ({ expression: `$join($reverse([1..${n()}]).$string(), ",")`, event: {} }),
    () => ({ expression: `$count([1..${pick([3000, 10000])}].[1..${pick([3000, 10000])}])`, event: {} }),
    () => ({ expression: '( $f := function($x){ $f($x + 1) }; $f(0) )', event: {} }),
    () => ({ expression: '( $f := function($x){ $x = 0 ? 0 : 1 + $f($x - 1) }; $f(1000000) )', event: {} }),
    () => ({ expression: `( $f := function($s, $n){ $n = 0 ? $s : $f($s & $s, $n - 1) }; $length($f("ab", ${20 + Math.floor(rnd() * 9)})) )`, event: {} }),
    () => ({ expression: '( $f := function($x){ [$x, $x] ~> $f() }; $f([1..1000]) )', event: {} }),
    () => ({ expression: `$pad("x", ${pick([1e7, 1e8, 5e8])})`, event: {} }),
    () => ({ expression: `$toMillis($event.t, "${'[Y]'.repeat(12 + Math.floor(rnd() * 8))}")`, event: { t: '1'.repeat(40) + 'x' } }),
    () => ({ expression: `$reduce([1..${n()}], function($a, $b){ $append($a, $b) }, [])`, event: {} }),
  ];
  const cases: HostileCase[] = [];
  // Every family at least once, then a seeded mix.
  for (let i = 0; i < count; i++) cases.push(i < families.length ? families[i]!() : pick(families)());
  return cases;
}
