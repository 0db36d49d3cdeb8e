/**
 * The parts of jsonata's processed AST (`jsonata(expr).ast()`) the compiler reads. jsonata's parser
 * (post-processing in parser.js processAST) produces these shapes; see jsonata.js for their meaning.
 */
export interface AstNode {
  type: string;
  value?: unknown;
  position?: number;
  steps?: AstNode[];
  stages?: Array<{ type: string; expr: AstNode; value?: unknown }>;
  predicate?: Array<{ type: string; expr: AstNode }>;
  group?: { lhs: Array<[AstNode, AstNode]>; position?: number };
  keepArray?: boolean;
  keepSingletonArray?: boolean;
  consarray?: boolean;
  tuple?: boolean;
  focus?: string;
  index?: string;
  ancestor?: unknown;
  seekingParent?: unknown[];
  expressions?: AstNode[];
  lhs?: AstNode | Array<[AstNode, AstNode]>;
  rhs?: AstNode;
  expression?: AstNode;
  condition?: AstNode;
  then?: AstNode;
  else?: AstNode;
  procedure?: AstNode;
  arguments?: AstNode[];
  body?: AstNode;
  signature?: { validate(args: unknown[], context: unknown): unknown[]; definition?: string };
  thunk?: boolean;
  terms?: Array<{ descending?: boolean; expression: AstNode }>;
  pattern?: AstNode;
  update?: AstNode;
  delete?: AstNode;
}

/** Thrown while compiling: the expression (or a part of it) is left to the interpreter, for this reason. */
export class NotCompiled extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export function notCompiled(reason: string): never {
  throw new NotCompiled(reason);
}

/**
 * An upper bound of the evaluator depth jsonata reaches inside `node` (every evaluate() nested in it),
 * not counting lambda bodies, which count when they are called (runtime/functions.ts enter()).
 */
export function staticDepth(node: unknown): number {
  if (node === null || typeof node !== 'object') return 0;
  if (Array.isArray(node)) {
    let max = 0;
    for (const n of node) max = Math.max(max, staticDepth(n));
    return max;
  }
  const n = node as AstNode & Record<string, unknown>;
  let max = 0;
  for (const key of Object.keys(n)) {
    if (key === 'signature' || key === 'position' || key === 'slot' || key === 'ancestor' || key === 'seekingParent') continue;
    if (n.type === 'lambda' && !n.thunk && key === 'body') continue;
    max = Math.max(max, staticDepth(n[key]));
  }
  return typeof n.type === 'string' ? max + 1 : max;
}
