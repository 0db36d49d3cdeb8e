import type { ErrorRequestHandler, RequestHandler } from 'express';
import { SpliceError } from '@splice/runtime';
import type { ApiErrorBody, ApiIssue } from './contract';
import { httpErrorBody, ServerError } from '../errors';
import type { Logger } from '../logger';

/**
 * Turns any error into the API's JSON error body. The HTTP status comes from the server's error classes
 * (ServerError.httpStatus) or, for body-parser errors, from httpErrorBody in ../errors; 5xx bodies never
 * carry internals (the log has them).
 */
const BODY_PARSER_CODES: Record<string, { code: string; message: string }> = {
  'entity.parse.failed': { code: 'INVALID_JSON', message: 'The request body is not valid JSON. Send a JSON object with Content-Type: application/json.' },
  'entity.too.large': { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large.' },
  'encoding.unsupported': { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'The request body encoding is not supported; send UTF-8 JSON.' },
};

export function toApiError(err: unknown): { status: number; body: ApiErrorBody } {
  const { status, body } = httpErrorBody(err);
  const bp = BODY_PARSER_CODES[(err as { type?: string })?.type ?? ''];
  if (bp) return { status, body: { error: { code: bp.code, message: bp.message } } };
  if (err instanceof SpliceError && (err instanceof ServerError || status < 500)) {
    const details = err.details ? { ...err.details } : undefined;
    const issues = details?.issues as ApiIssue[] | undefined;
    if (details) delete details.issues;
    const help = details?.help as string | undefined;
    if (details) delete details.help;
    return {
      status: err instanceof ServerError ? err.httpStatus : statusOfUserError(err.code, status),
      body: {
        error: {
          code: err.code,
          message: err.message,
          ...(err.path ? { path: err.path } : {}),
          ...(err.location ? { location: err.location } : {}),
          ...(help ? { help } : {}),
          ...(issues?.length ? { issues } : {}),
          ...(details && Object.keys(details).length ? { details } : {}),
        },
      },
    };
  }
  return { status, body: body as ApiErrorBody };
}

export function apiErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const { status, body } = toApiError(err);
    if (status >= 500) logger.error({ err: { message: (err as Error)?.message, code: (err as { code?: string })?.code, stack: (err as Error)?.stack }, path: req.path }, 'API request failed');
    if (!res.headersSent) res.status(status).json(body);
  };
}

export const badRequest = (path: string, message: string) => new ServerError('INVALID_REQUEST', message, 422, { path });

/** Status for SpliceErrors of other modules (credentials, runtime) that reach the API. */
function statusOfUserError(code: string, fallback: number): number {
  if (/NOT_FOUND$/.test(code)) return 404;
  if (/(EXISTS|CONFLICT)$/.test(code)) return 409;
  return fallback === 400 ? 422 : fallback;
}

/** Refuses keys a request body does not know (a typo like `kind` for `type` must not be dropped silently). */
export function onlyKeys(b: object, known: readonly string[], at = 'body'): void {
  for (const k of Object.keys(b)) {
    if (!known.includes(k)) throw badRequest(`${at}.${k}`, `${at}.${k} is not a field here; use ${known.map((x) => `\`${x}\``).join(', ')}.`);
  }
}

const BODY_TYPES = ['application/json', 'application/*+json', 'application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

/** A body in a format the API does not read is refused (415) rather than ignored as "no body". */
export function requireKnownBodyType(): RequestHandler {
  return (req, _res, next) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody || req.is(BODY_TYPES)) return next();
    next(
      new ServerError(
        'UNSUPPORTED_MEDIA_TYPE',
        `Content-Type ${req.headers['content-type'] ?? '(none)'} is not read here: send JSON with Content-Type: application/json (flow text may also go as application/yaml).`,
        415,
      ),
    );
  };
}
