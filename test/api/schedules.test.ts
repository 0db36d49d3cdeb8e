import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiServices } from '../../packages/server/src/api/api-services';
import { Scheduler } from '../../packages/server/src/schedules/scheduler';
import { eventually, startTestApi, type TestApi } from './helpers';

const flow = (name: string, cron: string) => `apiVersion: splice/v1
kind: Flow
metadata:
  name: ${name}
trigger:
  type: schedule
  cron: '${cron}'
  event: { job: ${name} }
steps:
  - id: tick
    type: map
    expression: '$event'
`;

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

const runsOf = (flowId: string) => api.server.ctx.db.selectFrom('runs').selectAll().where('flow_id', '=', flowId).execute();

describe('schedule triggers', () => {
  it('enqueues a run per tick through the durable queue and a worker runs it', async () => {
    await api.call('POST', '/api/flows', { yaml: flow('every-second', '* * * * * *') });
    expect((await api.call('POST', '/api/flows/every-second/activate')).status).toBe(200);
    const run = await eventually(async () => (await runsOf('every-second')).find((r) => r.status === 'succeeded'), 400);
    expect(run.trigger).toBe('schedule');
    const ev = await api.server.ctx.db.selectFrom('events').selectAll().where('id', '=', run.event_id).executeTakeFirstOrThrow();
    expect(ev.source).toBe('schedule');
    expect(ev.dedupe_key).toMatch(/^schedule:\d{4}-/);
    expect(JSON.parse(ev.body)).toEqual({ job: 'every-second' });
    await api.call('POST', '/api/flows/every-second/deactivate');
    const stoppedAt = (await runsOf('every-second')).length;
    await new Promise((r) => setTimeout(r, 1500));
    // At most one tick that was already being submitted when it was deactivated.
    expect((await runsOf('every-second')).length).toBeLessThanOrEqual(stoppedAt + 1);
  });

  it('runs a tick missed while down once, even when two schedulers catch up', async () => {
    await api.call('POST', '/api/flows', { yaml: flow('hourly', '0 * * * *') });
    await api.call('POST', '/api/flows/hourly/activate');
    await apiServices(api.server.ctx).scheduler.stop(); // this process "goes down" and releases the lease
    // The last tick enqueued was three hours ago: three ticks were missed; only the latest one is run.
    const threeHoursAgo = new Date(Date.now() - 3 * 3600_000).toISOString();
    await api.server.ctx.db.insertInto('schedule_ticks').values({ flow_id: 'hourly', last_tick_at: threeHoursAgo }).onConflict((oc) => oc.column('flow_id').doUpdateSet({ last_tick_at: threeHoursAgo })).execute();
    const service = apiServices(api.server.ctx).service;
    // Two fresh schedulers (as after a restart of two processes), one after the other's lease expired.
    for (const leaseMs of [1, 1]) {
      const s = new Scheduler(api.server.ctx, service, { leaseMs, syncMs: 60_000 });
      (s as unknown as { running: boolean }).running = true;
      await api.server.ctx.db.updateTable('schedule_ticks').set({ last_tick_at: threeHoursAgo }).where('flow_id', '=', 'hourly').execute();
      await new Promise((r) => setTimeout(r, 5));
      await s.reconcile();
      await s.stop();
    }
    const runs = await runsOf('hourly');
    expect(runs).toHaveLength(1);
    const ev = await api.server.ctx.db.selectFrom('events').selectAll().where('id', '=', runs[0]!.event_id).executeTakeFirstOrThrow();
    const lastHour = new Date();
    lastHour.setUTCMinutes(0, 0, 0);
    expect(ev.dedupe_key).toBe(`schedule:${lastHour.toISOString()}`);
  });

  it('refuses a cron pattern or time zone croner cannot use, at its line:col', async () => {
    const bad = await api.call('POST', '/api/validate', { yaml: flow('bad-cron', '61 * * * *') });
    expect(bad.body.valid).toBe(false);
    expect(bad.body.errors[0]).toMatchObject({ code: 'SCHEDULE_INVALID_CRON', path: 'trigger.cron', location: { line: 7 } });
    const tz = await api.call('POST', '/api/validate', { yaml: flow('bad-tz', '0 * * * *').replace("  event:", '  timezone: Mars/Olympus\n  event:') });
    expect(tz.body.errors[0]).toMatchObject({ code: 'SCHEDULE_INVALID_TIMEZONE', path: 'trigger.timezone', location: { line: 8 } });
    const ok = await api.call('POST', '/api/validate', { yaml: flow('ok-tz', '0 9 * * 1-5').replace("  event:", '  timezone: Europe/London\n  event:') });
    expect(ok.body.valid).toBe(true);
  });

  it('lets only one scheduler tick at a time (lease row)', async () => {
    const service = apiServices(api.server.ctx).service;
    const a = new Scheduler(api.server.ctx, service, { leaseMs: 60_000, syncMs: 60_000 });
    const b = new Scheduler(api.server.ctx, service, { leaseMs: 60_000, syncMs: 60_000 });
    for (const s of [a, b]) (s as unknown as { running: boolean }).running = true;
    await a.reconcile();
    await b.reconcile();
    expect([a.isLeader, b.isLeader]).toEqual([true, false]);
    await a.reconcile(); // renewing keeps it
    await b.reconcile();
    expect([a.isLeader, b.isLeader]).toEqual([true, false]);
    await a.stop(); // releases the lease row: the other process takes over
    await b.reconcile();
    expect(b.isLeader).toBe(true);
    await b.stop();
  });
});
