import { MappingError, SpliceError } from '../errors';

/**
 * The one way a run-time expression error learns where it is: the step field holding the expression, and
 * the offset inside that field's string value (the error's own `details.offset` in the expression, past
 * `prefixLength` characters such as a `with` value's leading `=`). An error with no position (a time,
 * memory or size limit) points at the expression's first character. An error that already knows its
 * place keeps it (a `with` leaf is located once, by the template walk). Anything not a SpliceError is a
 * bug and passes through unchanged (the engine reports it as INTERNAL_ERROR).
 */
export function atExpression(err: unknown, field: (string | number)[], prefixLength: number): unknown {
  if (!(err instanceof SpliceError) || err.expression) return err;
  const inner = typeof err.details?.offset === 'number' ? err.details.offset : 0;
  const ErrorClass = err instanceof MappingError ? MappingError : SpliceError;
  return new ErrorClass(err.code, err.message, {
    retryable: err.retryable,
    cause: err.cause,
    location: err.location,
    path: err.path,
    details: err.details,
    expression: { field, offset: prefixLength + inner },
  });
}
