import type { RunStatus } from '@splice/runtime';
import { Router } from 'express';
import type { ListDeadLettersResponse, ListRunsResponse, ReplayResponse } from '../contract';
import type { ServerContext } from '../../context';
import { NotFoundError } from '../../errors';
import { clipDeepJson } from '../../request-limits';
import { badRequest } from '../http-errors';
import { param } from './flow-routes';

/** Run history, replay and dead letters: the server-core run store, exposed as the wire contract says. */
/** Levels of a run record shown when the record is too deep to serialise whole (intake allows 64 in events). */
const RECORD_SHOW_DEPTH = 200;
const STATUSES: RunStatus[] = ['queued', 'running', 'succeeded', 'failed', 'filtered', 'dead'];

export function runRoutes(ctx: ServerContext): Router {
  const r = Router();

  r.get('/runs', async (req, res) => {
    const q = req.query;
    const status = q.status === undefined ? undefined : String(q.status).split(',');
    for (const s of status ?? []) if (!STATUSES.includes(s as RunStatus)) throw badRequest('query.status', `query.status "${s}" is not a run status: use ${STATUSES.join(', ')}.`);
    const out: ListRunsResponse = await ctx.runs.list({
      ...(q.flow ? { flow: String(q.flow) } : {}),
      ...(status ? { status: status as RunStatus[] } : {}),
      ...(q.since ? { since: String(q.since) } : {}),
      ...(q.until ? { until: String(q.until) } : {}),
      ...(q.trigger ? { trigger: String(q.trigger) } : {}),
      // One location id, or several comma-separated (the editor's filter by location name sends the ids).
      ...(q.location ? { location: String(q.location).split(',').filter(Boolean) } : {}),
      ...(q.limit ? { limit: limit(q.limit) } : {}),
      ...(q.cursor ? { cursor: String(q.cursor) } : {}),
    });
    res.json(out);
  });

  r.get('/runs/:runId', async (req, res) => {
    const run = await ctx.runs.get(param(req, 'runId'));
    if (!run) throw new NotFoundError('Run', param(req, 'runId'));
    let text: string;
    try {
      text = JSON.stringify(run);
    } catch (err) {
      // Only a record nested too deep to serialise (stored before intake refused such payloads) lands here.
      if (!(err instanceof RangeError)) throw err;
      text = JSON.stringify(clipDeepJson(run, RECORD_SHOW_DEPTH));
    }
    res.type('application/json').send(text);
  });

  r.post('/runs/:runId/replay', async (req, res) => {
    const out = await ctx.runs.replay(param(req, 'runId'));
    const body: ReplayResponse = { runId: out.runId, replayOf: out.replayOf };
    res.status(202).location(`/api/runs/${out.runId}`).json(body);
  });

  r.get('/dead-letters', async (req, res) => {
    const q = req.query;
    const out: ListDeadLettersResponse = await ctx.runs.listDeadLetters({
      ...(q.flow ? { flow: String(q.flow) } : {}),
      ...(q.limit ? { limit: limit(q.limit) } : {}),
      ...(q.cursor ? { cursor: String(q.cursor) } : {}),
    });
    res.json(out);
  });

  /** Queue the same run again with fresh attempts (finished steps stay checkpointed). */
  r.post('/dead-letters/:runId/retry', async (req, res) => {
    res.status(202).json(await ctx.runs.retryDeadLetter(param(req, 'runId')));
  });

  /** A new run of the dead letter's event (linked by replayOf). */
  r.post('/dead-letters/:runId/replay', async (req, res) => {
    const out = await ctx.runs.replay(param(req, 'runId'));
    const body: ReplayResponse = { runId: out.runId, replayOf: out.replayOf };
    res.status(202).location(`/api/runs/${out.runId}`).json(body);
  });

  r.delete('/dead-letters/:runId', async (req, res) => {
    await ctx.runs.discardDeadLetter(param(req, 'runId'));
    res.status(204).end();
  });

  return r;
}

function limit(v: unknown): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 500) throw badRequest('query.limit', 'query.limit must be a whole number from 1 to 500.');
  return n;
}
