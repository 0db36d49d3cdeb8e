import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The downstream of the bench job (issue 10): a bare node:http server on 127.0.0.1 that checks every
 * request the way an API would (method, path, `Authorization`, `Version`, JSON body of exactly the mapped
 * shape) and answers `201 {"ok":true}` at once. Only requests that pass are counted as completed runs;
 * anything else answers 400 and is counted as invalid, so a wrong mapping cannot pass as throughput.
 * The arrival time of each Splice call is kept by run id (from its `Idempotency-Key: <runId>:<step>`),
 * for the webhook → downstream latency.
 */
export const SINK_PATH = '/v1/post-stats';
export const JOB_EVENT = {
  locationId: 'loc_1',
  postId: 'p_123',
  metrics: { impressions: 1200, clicks: 37, likes: 5, comments: 2, shares: 1 },
  publishedAt: '2026-11-20T10:00:00Z',
};
const EXPECTED = JSON.stringify({ postIds: ['p_123'], locationId: 'loc_1', stats: { impressions: 1200, clicks: 37, engagement: 8 } });

export interface Sink {
  url: string;
  /** Requests that passed every check. */
  valid: number;
  invalid: number;
  /** The first invalid request's problem, for the error message. */
  firstProblem?: string;
  /** Called for each valid request that carried an idempotency key (Splice's calls). */
  onArrival?: (runId: string, at: number) => void;
  close(): Promise<void>;
}

export async function startSink(): Promise<Sink> {
  let server: Server | undefined = undefined;
  const sink: Sink = {
    url: '',
    valid: 0,
    invalid: 0,
    close: () => new Promise<void>((r) => (server ? server.close(() => r()) : r())),
  };
  const refuse = (res: ServerResponse, problem: string) => {
    sink.invalid++;
    sink.firstProblem ??= problem;
    res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: problem }));
  };
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== SINK_PATH) return refuse(res, `${req.method} ${req.url} is not POST ${SINK_PATH}`);
      if (req.headers.authorization !== 'Bearer test-token') return refuse(res, `Authorization was ${req.headers.authorization}`);
      if (req.headers.version !== '2021-07-28') return refuse(res, `Version was ${req.headers.version}`);
      if (!/^application\/json/.test(req.headers['content-type'] ?? ''))
        return refuse(res, `Content-Type was ${req.headers['content-type']}`);
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return refuse(res, 'the body is not JSON');
      }
      // Key order is part of the check: both sides build the object in the order.
      const text = JSON.stringify(body);
      if (text !== EXPECTED) return refuse(res, `the body was ${text.slice(0, 200)}, expected ${EXPECTED}`);
      sink.valid++;
      const key = req.headers['idempotency-key'];
      if (typeof key === 'string' && sink.onArrival) sink.onArrival(key.slice(0, key.indexOf(':')), performance.now());
      res.writeHead(201, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  sink.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${SINK_PATH}`;
  return sink;
}
