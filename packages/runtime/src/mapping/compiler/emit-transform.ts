import { staticDepth, type AstNode } from './ast';
import type { Emitter } from './emitter';

/**
 * `| pattern | update [, delete] |` (evaluateTransformExpression): a function that clones its argument
 * with `$clone` as bound where the transform is (a binding of `$clone` is honoured, as in jsonata), finds
 * the pattern's matches in the clone and updates/deletes their fields (runtime/transform.ts).
 */
export function emitTransform(g: Emitter, n: AstNode): string {
  g.makesFunctions = true;
  const obj = g.name('p');
  const cost = staticDepth([n.pattern, n.update, n.delete]) + 2;
  const lines = g.body(() => {
    g.emit(`if (${obj} === undefined) return undefined;`);
    g.emit(`enter(${cost});`);
    const clone = g.value(g.lookup('clone'));
    g.emit(`if (!isFunction(${clone})) fail();`); // T2013
    const result = g.value(`callValue(${clone}, [${obj}], null)`);
    const matches = g.node(n.pattern as AstNode, result);
    const list = g.name();
    g.emit(`if (${matches} !== undefined) {`);
    g.emit(`const ${list} = toList(${matches});`);
    const i = g.name('i');
    g.emit(`for (let ${i} = 0; ${i} < ${list}.length; ${i}++) {`);
    g.emit('if (--METER.n < 0) tick();');
    const match = g.name();
    g.emit(`const ${match} = ${list}[${i}];`);
    g.emit(`applyUpdate(${match}, ${g.node(n.update as AstNode, match)});`);
    if (n.delete !== undefined) g.emit(`applyDelete(${match}, ${g.node(n.delete, match)});`);
    g.emit('}');
    g.emit('}');
    g.emit(`leave(${cost});`);
    g.emit(`return ${result};`);
  });
  const f = g.name();
  g.emit(`const ${f} = transformFunction(function (${obj}) {`);
  for (const line of lines) g.emit(line);
  g.emit('});');
  return f;
}
