import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const srcDir = fileURLToPath(new URL('../src/', import.meta.url));
const docs = readFileSync(fileURLToPath(new URL('../../../docs/errors.md', import.meta.url)), 'utf8');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [full] : [];
  });
}

/** Codes thrown by runtime code: `new XError('CODE'`, `code: 'CODE'`, and template codes like `HTTP_${...}`. */
function thrownCodes(): { literal: Set<string>; templates: Set<string> } {
  const literal = new Set<string>();
  const templates = new Set<string>();
  for (const file of sourceFiles(srcDir)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/new\s+\w*Error\(\s*'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)'/g)) literal.add(m[1]!);
    for (const m of text.matchAll(/\bcode:\s*(?:[\w.?]+\s*\?\?\s*)?'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)'/g)) literal.add(m[1]!);
    for (const m of text.matchAll(/new\s+\w*Error\(\s*`([A-Z][A-Z0-9_]*_)\$\{/g)) templates.add(m[1]!);
  }
  return { literal, templates };
}

const documented = new Set([...docs.matchAll(/^\| `([A-Z][A-Z0-9_<>a-z]*)` \|/gm)].map((m) => m[1]!));

describe('docs/errors.md', () => {
  it('finds the codes it is meant to check (the scan itself works)', () => {
    const { literal, templates } = thrownCodes();
    expect(literal).toContain('MAPPING_TIMEOUT');
    expect(literal).toContain('FLOW_UNKNOWN_FIELD');
    expect(templates).toContain('HTTP_');
  });

  it('documents every error code thrown in packages/runtime/src', () => {
    const { literal, templates } = thrownCodes();
    const missing = [...literal].filter((c) => !documented.has(c));
    expect(missing, `add these codes to docs/errors.md`).toEqual([]);
    for (const prefix of templates)
      expect(
        [...documented].some((d) => d.startsWith(prefix)),
        `a row for ${prefix}...`,
      ).toBe(true);
  });
});
