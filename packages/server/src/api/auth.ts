import type { RequestHandler } from 'express';
import { ServerError } from '../errors';
import type { AdminAuth } from './admin-token';

/**
 * Every /api route needs `Authorization: Bearer <admin token>`. CORS is answered only for the editor's
 * origin(s) (`SPLICE_EDITOR_ORIGIN`, comma-separated; default the Vite dev server); other origins get no
 * CORS headers, so browsers refuse the answer. Same-origin use (the editor served by `splice serve`) needs none.
 */
export function editorOrigins(env: NodeJS.ProcessEnv = process.env): string[] {
  const raw = env.SPLICE_EDITOR_ORIGIN ?? 'http://localhost:5173,http://127.0.0.1:5173';
  return raw
    .split(',')
    .map((s) => s.trim().replace(/\/+$/, ''))
    .filter(Boolean);
}

export function cors(origins: string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin && allowed.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS');
      res.setHeader('Access-Control-Max-Age', '600');
    }
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      res.status(origin && allowed.has(origin) ? 204 : 403).end();
      return;
    }
    next();
  };
}

export function requireAdminToken(auth: AdminAuth): RequestHandler {
  return async (req, res, next) => {
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    try {
      if (m && (await auth.verify(m[1]))) return next();
    } catch (err) {
      return next(err);
    }
    // The body is never read for a refused caller: close the connection after the 401, so its unread bytes
    // cannot be taken for a next request (and a client that declared a huge body is not waited for).
    if (req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined) res.setHeader('Connection', 'close');
    next(
      new ServerError(
        'UNAUTHORIZED',
        header
          ? 'The admin token is not valid. Use the token `splice serve` printed at first start (or SPLICE_ADMIN_TOKEN).'
          : 'Missing admin token: send `Authorization: Bearer <token>` (printed once by `splice serve` at first start, or SPLICE_ADMIN_TOKEN).',
        401,
      ),
    );
  };
}
