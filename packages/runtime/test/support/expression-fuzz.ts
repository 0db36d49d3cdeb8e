/**
 * Random JSONata expressions from the grammar of the compiled subset, and random JSON to run them on, for
 * the compiled-vs-interpreted fuzz test. Deterministic from a seed (mulberry32), so a failing case is
 * rebuilt exactly from the seed and index the test prints.
 */
export type Random = () => number;

export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIELDS = ['a', 'b', 'c', 'name', 'n', 'items', 'tags'];
const STRINGS = ['', 'x', 'Ab', 'a b', 'red', 'a,b', '10', '-1.5'];

export function randomJson(rnd: Random, depth = 0): unknown {
  const r = rnd();
  if (depth > 3 || r < 0.35) {
    const s = rnd();
    if (s < 0.35) return Math.floor(rnd() * 21) - 5;
    if (s < 0.45) return Math.round(rnd() * 1000) / 100;
    if (s < 0.75) return STRINGS[Math.floor(rnd() * STRINGS.length)];
    if (s < 0.85) return rnd() < 0.5;
    return null;
  }
  if (r < 0.6) return Array.from({ length: Math.floor(rnd() * 4) }, () => randomJson(rnd, depth + 1));
  const o: Record<string, unknown> = {};
  for (const f of FIELDS) if (rnd() < 0.5) o[f] = randomJson(rnd, depth + 1);
  return o;
}

/** One expression; `vars` are the `$names` bound around this point. */
export function randomExpression(rnd: Random, depth = 0, vars: string[] = []): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const sub = (d = depth + 1) => randomExpression(rnd, d, vars);
  if (depth > 3) return pick([literal, path, path, variable])();

  function literal(): string {
    const r = rnd();
    if (r < 0.4) return String(Math.floor(rnd() * 10) - 3);
    if (r < 0.5) return String(Math.round(rnd() * 100) / 10);
    if (r < 0.8) return JSON.stringify(pick(STRINGS));
    return pick(['true', 'false', 'null']);
  }
  function step(): string {
    const r = rnd();
    if (r < 0.7) return pick(FIELDS) + (rnd() < 0.08 ? '[]' : '');
    if (r < 0.8) return '*';
    if (r < 0.85) return '`a b`';
    if (r < 0.92) return `[${sub(depth + 2)}${rnd() < 0.5 ? `, ${sub(depth + 2)}` : ''}]`;
    return `(${sub(depth + 2)})`;
  }
  function predicate(): string {
    const r = rnd();
    if (r < 0.3) return `[${Math.floor(rnd() * 4) - 1}]`;
    if (r < 0.4) return '[]';
    if (r < 0.55) return `[${pick(FIELDS)}]`;
    return `[${pick(FIELDS)} ${pick(['=', '!=', '>', '<'])} ${literal()}]`;
  }
  function path(): string {
    const head = rnd() < 0.15 ? pick(['$', '$$']) : rnd() < 0.2 && vars.length ? `$${pick(vars)}` : step();
    const n = Math.floor(rnd() * 3);
    let p = head;
    for (let i = 0; i < n; i++) p += `.${step()}`;
    if (rnd() < 0.3) p += predicate();
    if (rnd() < 0.05) p = `**.${pick(FIELDS)}`;
    return p;
  }
  function variable(): string {
    return vars.length ? `$${pick(vars)}` : '$';
  }
  function binary(): string {
    const op = pick(['+', '-', '*', '/', '%', '=', '!=', '<', '<=', '>', '>=', 'and', 'or', '&', 'in', '&', '=']);
    return `(${sub()} ${op} ${sub()})`;
  }
  function condition(): string {
    const r = rnd();
    if (r < 0.6) return `(${sub()} ? ${sub()} : ${sub()})`;
    if (r < 0.8) return `(${sub()} ?? ${sub()})`;
    return `(${sub()} ?: ${sub()})`;
  }
  function array(): string {
    const n = Math.floor(rnd() * 4);
    const items = Array.from({ length: n }, () => (rnd() < 0.15 ? `${Math.floor(rnd() * 3)}..${Math.floor(rnd() * 5)}` : sub()));
    return `[${items.join(', ')}]`;
  }
  function object(): string {
    const n = 1 + Math.floor(rnd() * 3);
    const keys = [...new Set(Array.from({ length: n }, () => pick(FIELDS)))];
    const pairs = keys.map((k) => `${rnd() < 0.1 ? `${pick(FIELDS)} & ""` : JSON.stringify(k)}: ${sub()}`);
    const o = `{${pairs.join(', ')}}`;
    return rnd() < 0.3 ? `${path()}${o}` : o;
  }
  function block(): string {
    const name = pick(['x', 'y', 'z']);
    const inner = [...vars, name];
    const body = randomExpression(rnd, depth + 1, inner);
    return `($${name} := ${sub()}; ${body})`;
  }
  function lambda(params: string[]): string {
    return `function(${params.map((p) => `$${p}`).join(', ')}){ ${randomExpression(rnd, depth + 2, [...vars, ...params])} }`;
  }
  function call(): string {
    const a = () => sub();
    const r = rnd();
    if (r < 0.15) return `$${pick(['map', 'filter'])}(${a()}, ${lambda(rnd() < 0.5 ? ['v'] : ['v', 'i'])})`;
    if (r < 0.2) return `$reduce(${a()}, ${lambda(['acc', 'v'])}${rnd() < 0.5 ? `, ${a()}` : ''})`;
    if (r < 0.25) return `$sort(${a()}${rnd() < 0.5 ? `, ${lambda(['l', 'r'])}` : ''})`;
    if (r < 0.3) return `(${a()} ~> $${pick(['string', 'count', 'sum', 'exists', 'boolean'])}())`;
    if (r < 0.35) return `($f := ${lambda(['p'])}; $f(${a()}))`;
    if (r < 0.4) {
      const re = pick(['/a/', '/[a-z]+/i', '/(b|x)/', '/,/', '/\\d+/']);
      return pick([`$match(${a()}, ${re})`, `$contains(${a()}, ${re})`, `$replace(${a()}, ${re}, "<$0>")`, `$split(${a()}, ${re})`]);
    }
    if (r < 0.43)
      return pick([
        `$substring(?, 1)(${a()})`,
        `$append(?, ${a()})(${a()})`,
        `($g := function($x, $y){ [$x, $y] }; $g(?, ${a()})(${a()}))`,
      ]);
    if (r < 0.46) return `(${a()} ~> |${pick(FIELDS)}|{"${pick(FIELDS)}": ${literal()}}${rnd() < 0.5 ? `, "${pick(FIELDS)}"` : ''}|)`;
    const one = [
      'string',
      'number',
      'count',
      'sum',
      'max',
      'min',
      'average',
      'exists',
      'boolean',
      'not',
      'lowercase',
      'uppercase',
      'trim',
      'length',
      'keys',
      'distinct',
      'reverse',
      'type',
      'floor',
      'ceil',
      'abs',
      'round',
      'spread',
      'merge',
      'join',
      'sort',
    ];
    const two = ['join', 'substring', 'lookup', 'append', 'contains', 'split', 'round', 'zip', 'substringBefore', 'substringAfter'];
    if (rnd() < 0.6) return `$${pick(one)}(${a()})`;
    const f = pick(two);
    return `$${f}(${a()}, ${rnd() < 0.5 ? literal() : a()})`;
  }
  function orderBy(): string {
    return `${path()}^(${rnd() < 0.5 ? '>' : '<'}${pick(FIELDS)})`;
  }
  // A path step cannot be a literal (jsonata error S0213), so the step after a path is wrapped in parentheses.
  const forms = [
    literal,
    path,
    path,
    path,
    variable,
    binary,
    binary,
    condition,
    array,
    object,
    block,
    call,
    call,
    orderBy,
    () => `-(${sub()})`,
    () => `${path()}.(${sub()})`,
  ];
  return pick(forms)();
}
