import { describe, expect, it } from 'vitest';
import { parseFlow } from '../src/index';

/**
 * locateInString places character N of a string value at its line:col in the file, for every YAML
 * scalar style an expression can be written in. Checked for every non-space character of each value:
 * the located source character is that character (or the start of its escape) and positions only grow.
 */
const styles: Record<string, { text: string; path?: (string | number)[] }> = {
  plain: { text: 'x: $a + $b.c' },
  'plain, folded over lines': { text: 'x: $a\n  & $b\n  & $c' },
  'single-quoted with a doubled quote': { text: "x: '$a & ''q'' & $b'" },
  'double-quoted with escapes, then more lines': { text: 'x: "$a & \\"q\\" & $b\\n & $c\\u00e9 & $d"\ny: |\n  & $z\n' },
  'block literal': { text: 'x: |\n  {\n    "a": $a,\n\n    "b": $number($b)\n  }\ny: 1' },
  'block literal, strip, more-indented lines': { text: 'x: |-\n    $a\n      + $b' },
  'block literal, keep, comment': { text: 'x: |+  # keep\n  $a\n  + $b\n\n' },
  'block literal, indentation indicator': { text: 'x: |2\n    $a\n  + $b' },
  'block folded': { text: 'x: >\n  $a\n  & $b\n\n  & $c\n    & $d\n  & $e' },
  'CRLF line ends': { text: 'x: |\r\n  $a\r\n  + $b\r\n' },
  'a `with` template deep in a step': {
    text: 'steps:\n  - id: a\n    with:\n      body:\n        text: |\n          =$a\n            & $b',
    path: ['steps', 0, 'with', 'body', 'text'],
  },
};

describe('SourceMap.locateInString', () => {
  for (const [name, { text, path = ['x'] }] of Object.entries(styles)) {
    it(name, () => {
      const parsed = parseFlow(text);
      const value = parsed.document.getIn(path) as string;
      const lines = text.split(/\r?\n/);
      let last = { line: 0, col: 0 };
      const wrong: string[] = [];
      for (let i = 0; i < value.length; i++) {
        if (/\s/.test(value[i]!)) continue;
        const loc = parsed.locateInString(path, i)!;
        const at = lines[loc.line - 1]?.[loc.col - 1];
        const escaped = at === '\\' || (at === "'" && value[i] === "'");
        const grows = loc.line > last.line || (loc.line === last.line && loc.col > last.col);
        if ((at !== value[i] && !escaped) || !grows) wrong.push(`char ${i} ${JSON.stringify(value[i])} at ${loc.line}:${loc.col} is ${JSON.stringify(at)}`);
        last = loc;
      }
      expect(wrong).toEqual([]);
    });
  }
});
