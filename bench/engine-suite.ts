import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { undici } from './deps';
import { ActionRegistry, createEngine, createHttpSender, httpAction, parseFlow, type Flow } from '../packages/runtime/src/index';
import { comparePair, row, type BenchSuite } from './measure';

const CONCURRENCY = 8;
const EVENT = { projectId: 'p_123', tags: Array.from({ length: 6 }, (_, i) => ({ id: `t${i}`, name: `tag ${i}` })) };

function benchFlow(url: string): Flow {
  const parsed = parseFlow(`apiVersion: splice/v1
kind: Flow
metadata: { name: bench-map-http }
trigger: { type: webhook, source: generic }
steps:
  - id: shape
    type: map
    expression: '{ "project": $event.projectId, "tags": [$event.tags.{ "id": id, "name": $uppercase(name) }] }'
  - id: post
    type: call
    uses: http
    with: { method: POST, url: "${url}", body: "=$steps.shape" }
`);
  if (!parsed.flow) throw new Error(parsed.errors.map((e) => e.format()).join('\n'));
  return parsed.flow;
}

/**
 * Engine runs/s of a map → http flow against a loopback node:http server, vs a hand-written loop doing the
 * same work with undici (shape the body in plain JS, POST it, read the answer). Same server, same concurrency.
 */
export const engineSuite: BenchSuite = {
  name: 'engine',
  async run(opts) {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const agent = new undici.Agent({ connections: 64 });
    const http = createHttpSender({ connections: 64 });
    const engine = createEngine({ actions: new ActionRegistry().register(httpAction), http });
    const flow = benchFlow(url);
    let n = 0;
    try {
      const measured = await comparePair(
        async () => {
          const body = JSON.stringify({
            project: EVENT.projectId,
            tags: EVENT.tags.map((t) => ({ id: t.id, name: t.name.toUpperCase() })),
          });
          const res = await undici.request(url, {
            method: 'POST',
            body,
            headers: { 'content-type': 'application/json', 'idempotency-key': `b:${n++}` },
            dispatcher: agent,
          });
          await res.body.json();
          if (res.statusCode !== 200) throw new Error(`baseline got ${res.statusCode}`);
        },
        async () => {
          const record = await engine.run(flow, EVENT);
          if (record.status !== 'succeeded') throw new Error(`engine run ${record.status}: ${record.error?.message}`);
        },
        { ...opts, concurrency: CONCURRENCY },
      );
      return [row(`engine runs/s, map → http over loopback (vs undici loop, concurrency ${CONCURRENCY})`, 'runs/s', measured, 0.5)];
    } finally {
      await agent.close();
      await http.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  },
};
