// The mapping DSL. Browser-safe: no node: imports (the editor runs it in a Web Worker).
export { compileExpression, expressionAst, errorOffset, type CompiledExpression } from './compile';
export { evaluateExpression, resolveLimits, type MappingBindings, type EvaluateOptions, type InlineSlice } from './evaluate';
export { NeedsIsolation } from './needs-isolation';
export { LinearRegExp } from './linear-regex';
export { DEFAULT_MAPPING_LIMITS, type MappingLimits } from './budget';
export { evaluateTemplate, templateExpressions, isTemplateExpression, templateLiteral } from './template';
export { schemaViolations, assertMatchesSchema } from './result-schema';
export { jsonSizeExceeds } from './json-size';
