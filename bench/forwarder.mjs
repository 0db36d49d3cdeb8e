// The bench's baseline (bench/downstream-job.ts runs it as its own process, like `splice serve`): a bare
// node:http server that maps each webhook in plain JavaScript and forwards it with an undici Pool,
// answering its caller only after the sink answered. Not durable: nothing is stored, nothing retried.
// Plain JavaScript (no tsx) so the baseline pays no loader cost. Prints `LISTENING <port>` when ready.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';

const { Pool } = createRequire(new URL('../packages/runtime/package.json', import.meta.url))('undici');
const sinkUrl = new URL(process.env.SINK_URL);
const pool = new Pool(sinkUrl.origin, { connections: 128, pipelining: 1 });

const server = createServer((req, res) => {
  // The bench reads this process's CPU time: cost per event, a figure other load on the machine barely moves.
  if (req.method === 'GET' && req.url === '/cpu') {
    const { user, system } = process.cpuUsage();
    return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ seconds: (user + system) / 1e6 }));
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    try {
      const ev = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const m = ev.metrics;
      const body = JSON.stringify({
        postIds: [ev.postId],
        locationId: ev.locationId,
        stats: { impressions: m.impressions, clicks: m.clicks, engagement: m.likes + m.comments + m.shares },
      });
      const up = await pool.request({
        method: 'POST',
        path: sinkUrl.pathname,
        headers: { authorization: 'Bearer test-token', version: '2021-07-28', 'content-type': 'application/json' },
        body,
      });
      const text = await up.body.text();
      res.writeHead(up.statusCode === 201 ? 200 : 502, { 'content-type': 'application/json' }).end(text);
    } catch (err) {
      res.writeHead(500).end(String(err?.message ?? err));
    }
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`LISTENING ${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => pool.close().then(() => process.exit(0))));
