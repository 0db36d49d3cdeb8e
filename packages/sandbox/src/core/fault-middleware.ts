import type { Request, Response } from 'express';
import type { FaultDecision } from './faults';
import { type Answer, facts } from './http-server';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Carries out a fault decision. Returns true when the request is finished (answered, hung or reset) and
 * the normal pipeline must stop.
 */
export async function applyFault(
  decision: FaultDecision,
  req: Request,
  res: Response,
  answer: Answer,
): Promise<boolean> {
  if (decision.latencyMs > 0) {
    facts(res).fault = 'latency';
    await sleep(decision.latencyMs);
  }
  switch (decision.kind) {
    case 'reset':
      facts(res).fault = 'reset';
      (res.locals.logNow as ((s: number) => void) | undefined)?.(0);
      req.socket.destroy();
      return true;
    case 'hang':
      facts(res).fault = 'hang';
      (res.locals.logNow as ((s: number) => void) | undefined)?.(0);
      // Never answer; the socket is cut when the client gives up or the sandbox closes.
      return true;
    case '429':
      facts(res).fault = '429';
      answer(
        429,
        { statusCode: 429, message: 'Too Many Requests (injected by the sandbox fault rules)', error: 'Too Many Requests' },
        { 'Retry-After': String(decision.retryAfterSeconds ?? 1) },
      );
      return true;
    case 'error': {
      facts(res).fault = 'error';
      const status = decision.status ?? 500;
      answer(status, { statusCode: status, message: `Injected failure (sandbox fault rules): HTTP ${status}`, error: 'Injected Fault' });
      return true;
    }
    default:
      return false;
  }
}
