import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import express, { type Request, type Response, type Router } from 'express';
import type { WebhookTrigger } from '@splice/runtime';
import type { ServerContext } from '../context';
import { IntakeRefusedError, IntakeUnavailableError, httpErrorBody } from '../errors';
import { declaredLengthOver, jsonDepthOver, sendDeclaredTooLarge } from '../request-limits';
import { verifySignature } from '../signatures/verify-signature';
import { deliveryKeyOf, deliveryTimeOf, eventTypeOf } from './delivery-facts';

/**
 * `POST /hooks/:flowName`: verify, store durably, acknowledge. Order matters: nothing is stored until the
 * delivery passed every check, and 2xx is sent only after the event, its run and its job are committed.
 * 4xx only for deliveries that must never come back (Payaca does not resend after a 4xx); 503 when the
 * store cannot take the event (or the server is shutting down), so the sender retries.
 */
const KEEP_HEADERS = [
  'content-type',
  'user-agent',
  'x-payaca-event',
  'x-payaca-delivery-id',
  'x-payaca-delivery',
  'x-ghl-webhook-id',
  'x-delivery-id',
  'idempotency-key',
  'x-event-type',
];

export function createWebhookRouter(ctx: ServerContext): Router {
  const router = express.Router();
  const rawBody = express.raw({ type: () => true, limit: ctx.config.intake.bodyLimitBytes });
  router.post('/:flowName', refuseWhenStopping(ctx), refuseDeclaredTooLarge(ctx), requireJson, rawBody, (req: Request, res: Response) =>
    handleDelivery(ctx, String(req.params.flowName), req.headers, Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), res),
  );

  // Body-parser failures (413 too large, aborted) land here: still counted, still JSON.
  router.use((err: unknown, req: Request, res: Response, _next: express.NextFunction) => {
    sendIntakeError(ctx, res, 'unknown', String(req.params.flowName ?? ''), err);
  });
  return router;
}

/**
 * The common delivery, handled before express: `POST /hooks/<name>` with a JSON content type, a
 * Content-Length within the limit and no content encoding, while intake is open. It runs the same
 * checks and answers as the express route (handleDelivery); express's routing, body parser and
 * response helpers cost about as much as storing the event. Anything else (a refusal express words,
 * chunked or compressed bodies, 413s) goes to the express route. Returns whether it took the request.
 */
export function createWebhookFastPath(ctx: ServerContext): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const url = req.url ?? '';
    if (req.method !== 'POST' || !url.startsWith('/hooks/') || !ctx.state.accepting) return false;
    const end = url.indexOf('?');
    const segment = url.slice(7, end === -1 ? undefined : end);
    if (segment === '' || segment.includes('/')) return false;
    const type = req.headers['content-type']?.toLowerCase() ?? '';
    if (!/^application\/(json|[^;\s]+\+json)\s*(;|$)/.test(type)) return false;
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return false;
    const length = Number(req.headers['content-length']);
    if (length > ctx.config.intake.bodyLimitBytes) {
      tooLarge(ctx, res);
      return true;
    }
    if (!Number.isInteger(length) || length < 0) return false;
    let flowName: string;
    try {
      flowName = decodeURIComponent(segment);
    } catch {
      return false;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => req.destroy());
    req.on('end', () => {
      void handleDelivery(ctx, flowName, req.headers, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), res);
    });
    return true;
  };
}

/** Flows already warned about accepting unsigned deliveries (once per flow and server). */
const warned = new WeakMap<ServerContext, Set<string>>();
function warnedUnsigned(ctx: ServerContext): Set<string> {
  let set = warned.get(ctx);
  if (!set) warned.set(ctx, (set = new Set()));
  return set;
}

async function handleDelivery(ctx: ServerContext, flowName: string, headers: IncomingHttpHeaders, raw: Buffer, res: ServerResponse) {
  let source = 'unknown';
  try {
    const flow = await ctx.flows.findActive(flowName);
    if (!flow || flow.flow.trigger.type !== 'webhook') {
      throw new IntakeRefusedError(
        'FLOW_NOT_FOUND',
        `No active flow "${flowName}" takes webhooks here; check the URL, or activate the flow.`,
        404,
      );
    }
    const trigger = flow.flow.trigger as WebhookTrigger;
    source = trigger.source;

    let keys;
    try {
      keys = await ctx.webhookSecrets.keysFor(flow);
    } catch (err) {
      ctx.logger.error({ flowId: flow.flowId, err: errInfo(err) }, 'webhook key unavailable');
      throw new IntakeUnavailableError(
        `The webhook key of flow "${flowName}" (credential "${trigger.secret}") cannot be read; check its binding.`,
        err,
      );
    }
    // Payaca and HighLevel always sign their deliveries, so theirs are never taken unsigned, even from a
    // flow that reached the server without schema validation (the schema already requires trigger.secret).
    const signedSource = source === 'payaca' || source === 'highlevel';
    if (signedSource && !trigger.secret && keys.length === 0) {
      throw new IntakeRefusedError(
        'BAD_SIGNATURE',
        `Flow "${flowName}" takes ${source} webhooks but names no signing credential; set trigger.secret and bind it, so deliveries can be verified.`,
        401,
      );
    }
    if (trigger.secret || keys.length > 0) {
      if (keys.length === 0)
        throw new IntakeUnavailableError(
          `Flow "${flowName}" names webhook credential "${trigger.secret}" but no key is bound for it; bind it in the environment.`,
        );
      const outcome = verifySignature(raw, headers, keys);
      if (!outcome.ok) throw new IntakeRefusedError('BAD_SIGNATURE', `Signature check failed: ${outcome.reason}.`, 401);
    } else if (!warnedUnsigned(ctx).has(flowName)) {
      warnedUnsigned(ctx).add(flowName);
      ctx.logger.warn({ flowId: flow.flowId }, 'flow declares no trigger.secret: webhook deliveries are accepted unsigned');
    }

    const maxDepth = ctx.config.intake.maxJsonDepth;
    if (jsonDepthOver(raw, maxDepth)) {
      throw new IntakeRefusedError(
        'PAYLOAD_TOO_DEEP',
        `The body nests arrays/objects more than ${maxDepth} levels deep; such a document cannot be stored and read back. Flatten it.`,
        400,
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch (err) {
      throw new IntakeRefusedError('INVALID_JSON', `The body is not valid JSON (${(err as Error).message}); send a JSON document.`, 400);
    }

    {
      // Read from the signed body (see delivery-facts.ts): a fresh unsigned header cannot revive a stale body.
      const at = deliveryTimeOf(source, headers, body);
      const skew = ctx.config.intake.maxTimestampSkewMs;
      if (at !== undefined && !(Math.abs(Date.now() - at) <= skew)) {
        throw new IntakeRefusedError(
          'STALE_TIMESTAMP',
          `The delivery's timestamp is more than ${Math.round(skew / 1000)} s from the server's clock (stale or replayed); it was refused.`,
          401,
        );
      }
    }

    const eventType = eventTypeOf(source, headers, body);
    if (trigger.events?.length && eventType && !trigger.events.includes(eventType)) {
      ctx.metrics.eventsReceived.inc({ source, outcome: 'ignored' });
      sendJson(res, 202, { ignored: true, reason: `event type "${eventType}" is not one of this flow's trigger.events` });
      return;
    }
    let dedupeKey: string | undefined;
    try {
      dedupeKey = await deliveryKeyOf(trigger, headers, body);
    } catch (err) {
      throw new IntakeRefusedError(
        'IDEMPOTENCY_KEY_FAILED',
        `trigger.idempotencyKey could not be evaluated on this delivery: ${(err as Error).message}`,
        400,
      );
    }

    let result;
    try {
      result = await ctx.events.submit({
        flow,
        source,
        eventType,
        dedupeKey,
        headers: keptHeaders(headers),
        body: raw.toString('utf8'),
        trigger: 'webhook',
      });
    } catch (err) {
      ctx.logger.error({ flowId: flow.flowId, err: errInfo(err) }, 'event store refused the event');
      throw new IntakeUnavailableError('The event could not be stored; retry later.', err);
    }
    ctx.metrics.eventsReceived.inc({ source, outcome: result.duplicate ? 'duplicate' : 'accepted' });
    ctx.logger.debug({ flowId: flow.flowId, runId: result.runId, duplicate: result.duplicate }, 'event accepted');
    sendJson(res, result.duplicate ? 200 : 202, {
      runId: result.runId,
      eventId: result.eventId,
      status: result.status,
      duplicate: result.duplicate,
    });
  } catch (err) {
    sendIntakeError(ctx, res, source, flowName, err);
  }
}

function refuseWhenStopping(ctx: ServerContext) {
  return (_req: Request, res: Response, next: express.NextFunction) => {
    if (ctx.state.accepting) return next();
    ctx.metrics.eventsReceived.inc({ source: 'unknown', outcome: 'unavailable' });
    res
      .set('Retry-After', '5')
      .status(503)
      .json({ error: { code: 'SHUTTING_DOWN', message: 'The server is shutting down; retry shortly.' } });
  };
}

/** A declared Content-Length over the limit: 413 at once, from the header, before reading a byte. */
function refuseDeclaredTooLarge(ctx: ServerContext) {
  return (req: Request, res: Response, next: express.NextFunction) => {
    if (!declaredLengthOver(req.headers, ctx.config.intake.bodyLimitBytes)) return next();
    tooLarge(ctx, res);
  };
}

function tooLarge(ctx: ServerContext, res: ServerResponse): void {
  ctx.metrics.eventsReceived.inc({ source: 'unknown', outcome: 'refused_413' });
  sendDeclaredTooLarge(res, ctx.config.intake.bodyLimitBytes);
}

function requireJson(req: Request, res: Response, next: express.NextFunction) {
  if (req.is(['application/json', 'application/*+json'])) return next();
  res.status(415).json({
    error: {
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: `Content-Type "${req.get('content-type') ?? '(none)'}" is not accepted; send application/json.`,
    },
  });
}

function sendIntakeError(ctx: ServerContext, res: ServerResponse, source: string, flowName: string, err: unknown) {
  const { status, body } = httpErrorBody(err);
  if (status === 413)
    body.error = { code: 'PAYLOAD_TOO_LARGE', message: `The body is larger than ${ctx.config.intake.bodyLimitBytes} bytes.` };
  const outcome = status === 503 ? 'unavailable' : `refused_${status}`;
  ctx.metrics.eventsReceived.inc({ source, outcome });
  ctx.logger.warn({ flowName, status, code: body.error.code }, 'webhook refused');
  if (!res.headersSent) sendJson(res, status, body, status === 503 ? { 'retry-after': '5' } : undefined);
}

/**
 * The acknowledgement, written directly: express's res.json would also hash the body for an ETag and
 * check request freshness, which a webhook sender never uses, on every delivery.
 */
function sendJson(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  const text = JSON.stringify(body);
  res
    .writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) })
    .end(text);
}

function keptHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of KEEP_HEADERS) {
    const v = headers[h];
    if (typeof v === 'string') out[h] = v;
  }
  return out;
}

function errInfo(err: unknown): { message: string; code?: string } {
  const e = err as { message?: string; code?: string };
  return { message: e?.message ?? String(err), code: e?.code };
}
