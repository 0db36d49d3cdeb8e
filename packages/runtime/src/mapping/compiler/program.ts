import { NotCompiled, staticDepth, type AstNode } from './ast';
import { emitNode } from './emit-node';
import { declareFrame } from './frames';
import { Emitter } from './emitter';
import { runtime } from './runtime/index';

/** A JSONata expression compiled to a JavaScript function (see README.md in this folder). */
export interface CompiledProgram {
  /** Evaluates on the current thread, synchronously; throws on anything it leaves to the interpreter. */
  readonly run: (input: unknown, bindings: Record<string, unknown> | undefined) => unknown;
  /** Free `$names` called as built-ins: a binding of one of them makes a run fall back. */
  readonly builtinNames: readonly string[];
  /** jsonata's evaluator depth bound for the expression outside any lambda. */
  readonly baseDepth: number;
  /** The expression can make function values; a result holding one is left to the interpreter. */
  readonly makesFunctions: boolean;
  /** The generated source (only compiler-written text: every literal is in the constants array). */
  readonly source: string;
}

export type CompileOutcome = { program: CompiledProgram; reason?: undefined } | { program?: undefined; reason: string };

const RUNTIME_NAMES = Object.keys(runtime).sort();

/** Compiles jsonata's parsed tree (never the expression text). Unsupported parts give a reason instead. */
export function compileAst(ast: AstNode): CompileOutcome {
  const g = new Emitter();
  g.node = (n, input) => emitNode(g, n, input);
  let lines: string[];
  try {
    lines = g.body(() => {
      g.emit('const INPUT = wrapInput(ROOT);');
      declareFrame(g, g.frame, [ast]);
      g.emit(`return ${emitNode(g, ast, 'INPUT')};`);
    });
  } catch (err) {
    if (err instanceof NotCompiled) return { reason: err.reason };
    throw err;
  }
  const source = `'use strict';\nconst { ${RUNTIME_NAMES.join(', ')} } = rt;\nreturn function (ROOT, B) {\n${lines.join('\n')}\n};\n`;
  let run: CompiledProgram['run'];
  try {
    // The source is compiler-written code only (see above); `rt` and `K` are all it can reach.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    run = new Function('rt', 'K', source)(runtime, g.constants) as CompiledProgram['run'];
  } catch (err) {
    if (err instanceof EvalError) return { reason: 'this platform forbids generated code (Content-Security-Policy)' };
    throw err;
  }
  return {
    program: { run, builtinNames: [...g.builtinNames], baseDepth: staticDepth(ast), makesFunctions: g.makesFunctions, source },
  };
}
