import type { NextFunction, Request, Response } from 'express';
import { SandboxConfigError } from '../errors';

/**
 * Admin endpoints (`/_sandbox/...`) change what the stand-in does. Keep them from accidental use: only
 * loopback peers, and never from a web page on another origin (a browser would send its Origin).
 */
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export function adminGuard(req: Request, res: Response, next: NextFunction): void {
  const peer = req.socket.remoteAddress ?? '';
  if (!LOOPBACK.has(peer)) {
    res
      .status(403)
      .json({ statusCode: 403, message: `sandbox admin endpoints answer loopback clients only (you are ${peer})`, error: 'Forbidden' });
    return;
  }
  const origin = req.headers.origin;
  if (origin && !/^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(origin)) {
    res
      .status(403)
      .json({ statusCode: 403, message: `sandbox admin endpoints refuse cross-origin requests (Origin ${origin})`, error: 'Forbidden' });
    return;
  }
  next();
}

export function isLoopbackUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return (u.protocol === 'http:' || u.protocol === 'https:') && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  } catch {
    return false;
  }
}

/** Webhook subscriptions deliver to loopback only: the sandbox never sends traffic off the machine. */
export function assertLoopbackSubscriptionUrl(url: string | undefined): asserts url is string {
  if (!url || !isLoopbackUrl(url)) {
    throw new SandboxConfigError(
      'SANDBOX_WEBHOOK_URL',
      `subscription url must be an http(s) URL on 127.0.0.1 or localhost (got ${JSON.stringify(url)})`,
    );
  }
}
