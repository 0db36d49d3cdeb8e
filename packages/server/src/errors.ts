import { SpliceError, type SpliceErrorOptions } from '@splice/runtime';

/**
 * Server errors. Each has a stable `code`; `httpStatus` is the one place HTTP statuses are decided
 * (DEVELOPERS.md: status mapping lives only in `server`).
 */
export class ServerError extends SpliceError {
  constructor(
    code: string,
    message: string,
    readonly httpStatus: number,
    opts: SpliceErrorOptions = {},
  ) {
    super(code, message, opts);
  }
}

/** A webhook delivery refused before anything was stored (4xx: the sender must not resend it). */
export class IntakeRefusedError extends ServerError {}

/** The store could not take an event: 503 so the sender retries. */
export class IntakeUnavailableError extends ServerError {
  constructor(message: string, cause?: unknown) {
    super('INTAKE_UNAVAILABLE', message, 503, { retryable: true, cause });
  }
}

export class NotFoundError extends ServerError {
  constructor(what: string, id: string) {
    // "Dead letter" lists at /api/dead-letters: the route is the kebab-case plural.
    super('NOT_FOUND', `${what} "${id}" does not exist. List them with GET /api/${what.toLowerCase().replace(/\s+/g, '-')}s.`, 404);
  }
}

export class BadRequestError extends ServerError {
  constructor(code: string, message: string, path?: string) {
    super(code, message, 400, { path });
  }
}

export class ConflictError extends ServerError {
  constructor(code: string, message: string) {
    super(code, message, 409);
  }
}

/** The engine factory is missing or a flow cannot be run here (configuration problem, not retryable). */
export class EngineUnavailableError extends ServerError {
  constructor(message: string) {
    super('ENGINE_UNAVAILABLE', message, 500);
  }
}

/** Maps any error to an HTTP status and a JSON body without leaking internals. */
export function httpErrorBody(err: unknown): { status: number; body: { error: { code: string; message: string; path?: string } } } {
  if (err instanceof ServerError) {
    return { status: err.httpStatus, body: { error: { code: err.code, message: err.message, path: err.path } } };
  }
  const e = err as { status?: number; statusCode?: number; type?: string; message?: string; code?: string };
  // express/body-parser style errors carry a status (413 entity.too.large, 400 entity.parse.failed, 415).
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return {
      status,
      body: {
        error: {
          code: String(e.type ?? e.code ?? 'BAD_REQUEST')
            .toUpperCase()
            .replace(/[.\s-]/g, '_'),
          message: e.message ?? 'Bad request',
        },
      },
    };
  }
  if (err instanceof SpliceError) {
    return { status: 400, body: { error: { code: err.code, message: err.message, path: err.path } } };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'Internal server error; see the server log.' } } };
}
