import type { SourceLocation } from '../errors';
import { compileExpression } from '../mapping/compile';
import type { ParsedFlow } from './parse-flow';
import { semanticProblems } from './semantic-checks';
import { formatPath } from './source-map';

/** How one expression of a flow is evaluated: compiled to JavaScript, or by jsonata's interpreter and why. */
export interface ExpressionExplanation {
  source: string;
  path: string;
  location: SourceLocation;
  compiled: boolean;
  /** Set when interpreted: what in the expression the compiler leaves to the interpreter. */
  reason?: string;
}

/** Every JSONata expression of a parsed flow, in file order, with how it runs (`splice validate --explain`). */
export function explainExpressions(parsed: ParsedFlow): ExpressionExplanation[] {
  if (parsed.data === undefined) return [];
  const out: ExpressionExplanation[] = [];
  semanticProblems(parsed.data, {
    onExpression: ({ source, path, prefixLength }) => {
      const location = parsed.locateInString(path, prefixLength) ?? parsed.locate(path) ?? { file: parsed.file, line: 1, col: 1 };
      let compiled = false;
      let reason: string | undefined;
      try {
        const c = compileExpression(source);
        compiled = c.program !== undefined;
        reason = c.interpretedBecause;
      } catch {
        reason = 'syntax error (reported above)';
      }
      out.push({ source, path: formatPath(path), location, compiled, ...(reason !== undefined ? { reason } : {}) });
    },
  });
  return out.sort((a, b) => a.location.line - b.location.line || a.location.col - b.location.col);
}
