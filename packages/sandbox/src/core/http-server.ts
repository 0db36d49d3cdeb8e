import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { SandboxConfigError } from '../errors';
import type { Inspector } from './inspection';

/** Per-request facts the pipeline fills in so the request log can say what happened. */
export interface RequestFacts {
  route?: string;
  operationId?: string;
  locationId?: string;
  /** Who the bearer token is for: `pit`, `Location` or `Company` (an OAuth token's user type). */
  auth?: string;
  fault?: string;
  /** Set when the answer never comes (hang, reset): the log entry is written at that moment. */
  logged?: boolean;
}

export function facts(res: Response): RequestFacts {
  return (res.locals.sandbox ??= {}) as RequestFacts;
}

/** Sends a JSON answer (with optional headers): how pipelines and fault rules answer a request. */
export type Answer = (status: number, body: unknown, headers?: Record<string, string>) => void;

export function answerer(res: Response): Answer {
  return (status, body, headers) => {
    if (headers) res.set(headers);
    res.status(status).json(body);
  };
}

/** An express app set up as every stand-in needs: simple query strings, request log, JSON bodies up to 2 MB. */
export function createSandboxApp(inspector: Inspector, logRequest?: RequestLineSink): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestLogger(inspector, logRequest));
  app.use(express.json({ limit: '2mb' }));
  return app;
}

/** Where request lines go when the sandbox is asked to log (`logLevel` info or debug). */
export type RequestLineSink = (entry: {
  method: string;
  path: string;
  status: number;
  durationMs: number;
  fault?: string;
  operationId?: string;
}) => void;

/** Logs every request that is not an admin call once it is answered. */
export function requestLogger(inspector: Inspector, sink?: RequestLineSink) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.path.startsWith('/_sandbox')) return next();
    const started = performance.now();
    // `at` is when the request arrived: what pacing checks ("at most N in any window") need.
    const arrivedAt = new Date().toISOString();
    const write = (status: number) => {
      const f = facts(res);
      if (f.logged) return;
      f.logged = true;
      const key = req.headers['idempotency-key'];
      const durationMs = Math.round(performance.now() - started);
      sink?.({
        method: req.method,
        path: req.originalUrl.split('?')[0] ?? req.path,
        status,
        durationMs,
        fault: f.fault,
        operationId: f.operationId,
      });
      inspector.record({
        at: arrivedAt,
        method: req.method,
        path: req.path,
        route: f.route ?? `${req.method} ${req.path}`,
        operationId: f.operationId,
        status,
        durationMs,
        locationId: f.locationId,
        ...(f.auth ? { auth: f.auth } : {}),
        idempotencyKey: typeof key === 'string' ? key : undefined,
        fault: f.fault,
        query: { ...(req.query as Record<string, unknown>) },
        body: req.body,
      });
    };
    res.locals.logNow = write;
    res.on('finish', () => write(res.statusCode));
    res.on('close', () => write(res.writableFinished ? res.statusCode : 0));
    next();
  };
}

export interface Listening {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 only: the sandbox never faces another machine. */
export function listen(app: Express, port: number, name: string): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, '127.0.0.1');
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        new SandboxConfigError(
          'SANDBOX_PORT_UNAVAILABLE',
          err.code === 'EADDRINUSE'
            ? `the ${name} sandbox cannot listen on 127.0.0.1:${port}: the port is in use. Pick another port (or 0 for any free port).`
            : `the ${name} sandbox cannot listen on 127.0.0.1:${port}: ${err.message}`,
          { cause: err },
        ),
      );
    });
    server.once('listening', () => {
      const { port: actual } = server.address() as AddressInfo;
      resolve({
        server,
        url: `http://127.0.0.1:${actual}`,
        close: () =>
          new Promise<void>((done) => {
            // Hung requests (fault injection) would keep close() waiting forever: cut them.
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
