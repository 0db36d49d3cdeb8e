import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * pino JSON logs. Child loggers carry `flowId`/`runId`. Anything that could hold a secret is redacted
 * by path: auth headers of inbound webhooks and outbound calls, signatures, tokens.
 */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-payaca-signature"]',
  'req.headers["x-ghl-signature"]',
  'req.headers["x-wh-signature"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-payaca-signature"]',
  'headers["x-ghl-signature"]',
  'headers["x-wh-signature"]',
  '*.authorization',
  '*.Authorization',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.secret',
  '*.password',
  '*.clientSecret',
];

export function createLogger(opts: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      base: { service: 'splice-server' },
      redact: { paths: redactPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    opts.destination as pino.DestinationStream | undefined,
  );
}
