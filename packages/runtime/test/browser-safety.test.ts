import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../src/', import.meta.url));

/** Every module reachable from `entry` through value (non-type) relative imports, with its bare imports. */
function reach(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    const text = readFileSync(file, 'utf8');
    const bare: string[] = [];
    seen.set(file, bare);
    for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)[^'";]*?from\s+'([^']+)'/gm)) {
      const spec = m[1]!;
      if (!spec.startsWith('.')) {
        bare.push(spec);
        continue;
      }
      const base = resolve(dirname(file), spec);
      const target = [`${base}.ts`, `${base}/index.ts`].find((f) => existsSync(f));
      if (target) visit(target);
    }
  };
  visit(entry);
  return seen;
}

describe('browser-safe entry points (the editor runs these in the browser / a Web Worker)', () => {
  for (const entry of ['mapping/index.ts', 'loader/parse-flow.ts', 'loader/validate-flow.ts']) {
    it(`${entry} reaches no node: module, undici or fs`, () => {
      const graph = reach(src + entry);
      expect(graph.size).toBeGreaterThan(1);
      for (const [file, bare] of graph) {
        for (const spec of bare) expect(spec, `${file.slice(src.length)} imports ${spec}`).toMatch(/^(jsonata|yaml|ajv(\/.*)?|re2js)$/); // re2js: pure-JS RE2 (mapping/linear-regex.ts)
      }
    });
  }
});
