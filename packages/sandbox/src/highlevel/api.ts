import type { Request, Response } from 'express';
import { applyFault } from '../core/fault-middleware';
import type { FaultInjector } from '../core/faults';
import { answerer, facts } from '../core/http-server';
import type { SchemaValidator } from '../core/schema-validator';
import type { HighLevelDemoData } from './demo-data';
import { handlers } from './handlers';
import type { RateLimiter } from './rate-limiter';
import { sampleAnswer } from './sampler';
import { type HighLevelSpecs, matchOperations } from './spec-loader';
import type { TokenStore } from './token-store';

/**
 * The HighLevel API pipeline, in the order the live service checks: route, Version header, bearer token,
 * token ↔ location, scope, rate limit, request validation, then the answer (demo data or a spec example).
 */

export interface HighLevelState {
  specs: HighLevelSpecs;
  data: HighLevelDemoData;
  tokens: TokenStore;
  limiter?: RateLimiter;
  faults: FaultInjector;
  validator: SchemaValidator;
  now: () => number;
  publish: (type: string, locationId: string, payload: Record<string, unknown>) => void;
}

const unauthorized = (message: string) => ({ statusCode: 401, message, error: 'Unauthorized' });

export async function handleApiRequest(state: HighLevelState, req: Request, res: Response): Promise<void> {
  const answer = answerer(res);
  const candidates = matchOperations(state.specs, req.method, req.path);
  if (candidates.length === 0) {
    answer(404, { statusCode: 404, message: `Cannot ${req.method} ${req.path}`, error: 'Not Found' });
    return;
  }
  const first = candidates[0]!;
  facts(res).route = first.op.route;
  facts(res).operationId = first.op.operationId;
  // Counted per location from the start, so refused calls (401, 403) show against their location too.
  const early = first.params.locationId ?? (typeof req.query.locationId === 'string' ? req.query.locationId : undefined);
  if (early) facts(res).locationId = early;

  if (await applyFault(state.faults.decide(first.op.route, first.op.operationId, req.path), req, res, answer)) return;

  const version = req.header('Version');
  if (!version) {
    answer(400, { statusCode: 400, message: 'Version header was not found', error: 'Bad Request' });
    return;
  }
  const hit = candidates.find((c) => c.op.versionHeader.includes(version));
  const accepted = [...new Set(candidates.flatMap((c) => c.op.versionHeader))];

  const auth = req.header('Authorization') ?? '';
  const bearer = /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
  if (!bearer) {
    answer(401, unauthorized('Authorization header is missing or not a Bearer token: send `Authorization: Bearer <token>`'));
    return;
  }
  const found = state.tokens.lookup(bearer);
  if ('error' in found) {
    answer(
      401,
      unauthorized(
        found.error === 'expired'
          ? 'Invalid JWT: the access token has expired. Refresh it with your refresh token.'
          : 'Invalid token: access token is invalid',
      ),
    );
    return;
  }
  const grant = found.grant;
  facts(res).auth = grant.kind === 'pit' ? 'pit' : grant.userType;

  if (!hit) {
    answer(422, {
      statusCode: 422,
      message: [`version must be one of the following values: ${accepted.join(', ')} (got ${version})`],
      error: 'Unprocessable Entity',
    });
    return;
  }
  const { op, params } = hit;
  facts(res).route = op.route;
  facts(res).operationId = op.operationId;

  const query = Object.fromEntries(Object.entries(req.query).map(([k, v]) => [k, Array.isArray(v) ? String(v[0]) : String(v)]));
  const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
  const requested = params.locationId ?? query.locationId ?? (typeof body.locationId === 'string' ? body.locationId : undefined);
  if (requested) facts(res).locationId = requested;

  if (grant.userType === 'Company') {
    answer(
      401,
      unauthorized(
        'This authClass type is not allowed to access this scope. Use a Sub-Account (Location) token: exchange it via POST /oauth/locationToken.',
      ),
    );
    return;
  }
  const locationId = requested ?? grant.locationId!;
  facts(res).locationId = locationId;
  if (locationId !== grant.locationId) {
    answer(403, { statusCode: 403, message: `The token does not have access to this location (${locationId}).`, error: 'Forbidden' });
    return;
  }
  if (op.scope && !grant.scopes.has(op.scope)) {
    answer(403, {
      statusCode: 403,
      message: `The token is not authorized for this scope: ${op.operationId} needs ${op.scope}. Add ${op.scope} to the app's (or private integration's) scopes and reinstall.`,
      error: 'Forbidden',
    });
    return;
  }

  if (state.limiter) {
    const verdict = state.limiter.check(`${grant.appId}:${locationId}`);
    res.set(verdict.headers);
    if (!verdict.allowed) {
      res.set('Retry-After', String(verdict.retryAfterSeconds));
      answer(429, {
        statusCode: 429,
        message:
          verdict.scope === 'daily'
            ? 'Daily rate limit exceeded for this app and location'
            : 'Too many requests: the limit is 100 requests per 10 seconds per app per location',
        error: 'Too Many Requests',
      });
      return;
    }
  }

  const problems: string[] = [];
  const pathAndQuery: Record<string, string> = { ...params, ...query };
  for (const p of op.parameters) {
    if (p.in === 'header') continue; // Version and Authorization are checked above
    const value = pathAndQuery[p.name];
    if (value === undefined || value === '') {
      if (p.required) problems.push(`${p.name} should not be empty (required ${p.in} parameter)`);
      continue;
    }
    problems.push(...state.validator.validate(p.schema, value, { coerce: true, root: '' }).map((m) => m.replace(/^\(body\)/, p.name)));
  }
  if (op.requestBody?.contentType === 'application/json') {
    if (req.body === undefined && op.requestBody.required) {
      problems.push('request body should not be empty (send a JSON body with content-type application/json)');
    } else {
      // An optional body that is left out is still checked as `{}`: its required fields are required.
      problems.push(...state.validator.validate(op.requestBody.schema, req.body ?? {}));
    }
  }
  if (problems.length) {
    answer(422, { statusCode: 422, message: problems, error: 'Unprocessable Entity' });
    return;
  }

  const handler = handlers[op.operationId];
  if (handler) {
    const out = handler({ op, params, query, body, locationId, data: state.data, now: new Date(state.now()), publish: state.publish });
    answer(out.status, out.body);
    return;
  }
  answer(op.successStatus, sampleAnswer(op));
}
