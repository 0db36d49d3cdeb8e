export { parseFlow, type ParsedFlow } from './parse-flow';
export { loadFlowFile } from './load-flow-file';
export { validateFlow, type FlowCheck, type ValidateFlowOptions } from './validate-flow';
export { explainExpressions, type ExpressionExplanation } from './explain-expressions';
export { formatPath, type FieldPath } from './source-map';
export { closestMatch, closestMatches, didYouMean } from './closest-match';
export { stepReferences } from './semantic-checks';
export { locateRunError, flowPathOfStep } from './locate-run-error';
