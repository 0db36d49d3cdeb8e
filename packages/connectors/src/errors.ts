import { SpliceError, type SpliceErrorOptions } from '@splice/runtime';

/**
 * Errors of catalog operations. Codes are stable:
 * - REQUEST_INVALID: params/query/body break the operation's schema; nothing was sent.
 * - RESPONSE_INVALID: the answer breaks the response schema (strict mode only; otherwise a warning).
 * - UNKNOWN_OPERATION: no catalog operation has that id.
 * - NO_BASE_URL: the environment gives no base URL for the connector.
 * - HOST_NOT_ALLOWED: the base URL points outside the connector's allowed hosts.
 * - PAGINATION_UNSUPPORTED: `paginate: true` on an operation that cannot be paged.
 * - HTTP_STATUS: the API answered with a 4xx the sender did not turn into an error itself.
 * - UNSUPPORTED_CONTENT_TYPE: the operation's body is not JSON (e.g. multipart CSV upload).
 */
export type ConnectorErrorCode =
  | 'REQUEST_INVALID'
  | 'RESPONSE_INVALID'
  | 'UNKNOWN_OPERATION'
  | 'NO_BASE_URL'
  | 'HOST_NOT_ALLOWED'
  | 'PAGINATION_UNSUPPORTED'
  | 'HTTP_STATUS'
  | 'UNSUPPORTED_CONTENT_TYPE';

export class ConnectorError extends SpliceError {
  declare readonly code: ConnectorErrorCode;
  constructor(code: ConnectorErrorCode, message: string, opts: SpliceErrorOptions = {}) {
    super(code, message, opts);
  }
}
