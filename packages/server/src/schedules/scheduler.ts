import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Cron } from 'croner';
import type { ServerContext } from '../context';
import type { FlowService } from '../flows/flow-service';
import type { CredentialStore } from '../credentials/credential-store';
import { locationsServedBy } from '../credentials/location-errors';
import { ScheduleLease } from './schedule-lease';

/**
 * Schedule triggers. croner computes the ticks; each due tick is submitted through the same durable
 * entry point as webhooks (ctx.events.submit: event + run + job in one transaction) with the dedupe key
 * `schedule:<tick>`, so a tick runs at most once even if two processes fire it. Only the process holding
 * the `scheduler` lease row ticks. A tick missed while no scheduler ran is caught up ONCE (the latest
 * one) at start, never replayed more than once; older missed ticks are skipped. A trigger with
 * `forEachLocation` submits one run per location its credential serves (dedupe `schedule:<tick>:<location>`).
 */
export interface ScheduleState {
  flowId: string;
  revision: number;
  environment: string;
  cron: string;
  timezone: string;
  nextRunAt?: string;
  lastTickAt?: string;
}

export interface SchedulerOptions {
  /** How often the leader re-reads active flows (activation also reconciles at once). */
  syncMs?: number;
  /** Lease of the scheduler lock row. */
  leaseMs?: number;
}

export class Scheduler {
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly jobs = new Map<string, { key: string; cron: Cron; timer?: NodeJS.Timeout; state: ScheduleState }>();
  private syncTimer?: NodeJS.Timeout;
  private running = false;
  private lease: ScheduleLease;
  private readonly syncMs: number;

  constructor(
    private readonly ctx: ServerContext,
    private readonly service: FlowService,
    opts: SchedulerOptions = {},
  ) {
    this.syncMs = opts.syncMs ?? 5_000;
    this.lease = new ScheduleLease(ctx.db, 'scheduler', this.owner, opts.leaseMs ?? 30_000);
  }

  get isLeader(): boolean {
    return this.lease.held;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const loop = async () => {
      if (!this.running) return;
      if (!this.ctx.state.accepting) {
        await this.stop(); // the server is shutting down
        return;
      }
      await this.reconcile().catch((err) => this.ctx.logger.error({ err: { message: (err as Error).message } }, 'scheduler sync failed'));
      if (this.running) {
        this.syncTimer = setTimeout(loop, this.syncMs);
        this.syncTimer.unref?.();
      }
    };
    void loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.syncTimer) clearTimeout(this.syncTimer);
    for (const j of this.jobs.values()) this.clear(j);
    this.jobs.clear();
    await this.lease.release().catch(() => undefined);
  }

  list(): ScheduleState[] {
    return [...this.jobs.values()].map((j) => ({ ...j.state }));
  }

  nextRunAt(flowId: string): string | undefined {
    return this.jobs.get(flowId)?.state.nextRunAt;
  }

  /** Brings timers in line with the active flows (called periodically and after (de)activation/deploys). */
  async reconcile(): Promise<void> {
    if (!this.running) return;
    if (!(await this.lease.acquire())) {
      for (const j of this.jobs.values()) this.clear(j);
      this.jobs.clear();
      return;
    }
    const wanted = new Map<string, ScheduleState>();
    for (const stored of await this.service.deps.flows.list()) {
      if (!stored.active) continue;
      const target = await this.service.runTarget(stored.id);
      if (!target) continue;
      const active = await this.ctx.flows.getRevision({ flowId: stored.id, ...target });
      const trigger = active?.flow.trigger;
      if (trigger?.type !== 'schedule') continue;
      wanted.set(stored.id, { flowId: stored.id, ...target, cron: trigger.cron, timezone: trigger.timezone ?? 'UTC' });
    }
    for (const [id, j] of this.jobs) {
      const w = wanted.get(id);
      if (!w || keyOf(w) !== j.key) {
        this.clear(j);
        this.jobs.delete(id);
      }
    }
    for (const [id, w] of wanted) {
      if (this.jobs.has(id)) continue;
      let cron: Cron;
      try {
        cron = new Cron(w.cron, { timezone: w.timezone, paused: true });
      } catch (err) {
        // Validation refuses such flows; an old revision deployed before that check is skipped, not fatal.
        this.ctx.logger.error({ flowId: id, err: { message: (err as Error).message } }, 'schedule cannot be used');
        continue;
      }
      const last = await this.lastTick(id);
      const job = { key: keyOf(w), cron, state: { ...w, ...(last ? { lastTickAt: last } : {}) } as ScheduleState };
      this.jobs.set(id, job);
      if (last) {
        // Catch up the latest tick missed while no scheduler ran, once (its dedupe key guards repeats).
        const missed = cron.previousRuns(1, new Date())[0];
        if (missed && missed.toISOString() > last) await this.fire(job, missed);
      }
      this.arm(job);
    }
  }

  private arm(job: { cron: Cron; timer?: NodeJS.Timeout; state: ScheduleState; key: string }): void {
    const next = job.cron.nextRun(new Date());
    job.state.nextRunAt = next?.toISOString();
    if (!next) return;
    // setTimeout caps at ~24.8 days; re-arm until the tick is due.
    const wait = Math.min(Math.max(0, next.getTime() - Date.now()), 2 ** 31 - 1);
    job.timer = setTimeout(async () => {
      if (!this.running || this.jobs.get(job.state.flowId) !== job) return;
      if (Date.now() + 5 >= next.getTime()) {
        if (await this.lease.acquire()) await this.fire(job, next).catch((err) => this.ctx.logger.error({ err: { message: (err as Error).message }, flowId: job.state.flowId }, 'schedule tick failed'));
      }
      if (this.jobs.get(job.state.flowId) === job) this.arm(job);
    }, wait);
    job.timer.unref?.();
  }

  private clear(j: { timer?: NodeJS.Timeout; cron: Cron }): void {
    if (j.timer) clearTimeout(j.timer);
    j.cron.stop();
  }

  /** Submits one tick durably; the tick time is the run's event unless the trigger declares `event`. */
  private async fire(job: { state: ScheduleState }, tick: Date): Promise<void> {
    const s = job.state;
    // Another process may have deactivated the flow since the last sync: check before each tick.
    if (!(await this.service.deps.flows.find(s.flowId))?.active) return;
    const active = await this.ctx.flows.getRevision({ flowId: s.flowId, revision: s.revision, environment: s.environment });
    if (!active || active.flow.trigger.type !== 'schedule') return;
    const tickIso = tick.toISOString();
    const trigger = active.flow.trigger;
    const event = trigger.event ?? { scheduledAt: tickIso, cron: s.cron, timezone: s.timezone };
    if (trigger.forEachLocation) {
      // One run per location the credential serves now: a location installed since the last tick is in.
      const locations = await this.locationsOf(trigger.forEachLocation, s.environment);
      if (!locations.length) this.ctx.logger.warn({ flowId: s.flowId, credential: trigger.forEachLocation }, 'schedule tick: the credential serves no location, nothing to run');
      for (const locationId of locations) {
        const body = JSON.stringify({ ...(event && typeof event === 'object' ? event : {}), locationId });
        await this.ctx.events.submit({ flow: active, source: 'schedule', eventType: 'schedule.tick', dedupeKey: `schedule:${tickIso}:${locationId}`, body, trigger: 'schedule' });
      }
    } else {
      await this.ctx.events.submit({
        flow: active,
        source: 'schedule',
        eventType: 'schedule.tick',
        dedupeKey: `schedule:${tickIso}`,
        body: JSON.stringify(event),
        trigger: 'schedule',
      });
    }
    s.lastTickAt = tickIso;
    await this.ctx.db
      .insertInto('schedule_ticks')
      .values({ flow_id: s.flowId, last_tick_at: tickIso })
      .onConflict((oc) => oc.column('flow_id').doUpdateSet({ last_tick_at: tickIso }))
      .execute();
  }

  /** The locations the flow credential's binding in `environment` serves (credentials module). */
  private async locationsOf(flowCredential: string, environment: string): Promise<string[]> {
    const store = this.ctx.stores.credentials as CredentialStore | undefined;
    if (!store) return [];
    const env = await this.service.deps.environments.get(environment);
    return locationsServedBy(store, env.bindings[flowCredential] ?? flowCredential);
  }

  private async lastTick(flowId: string): Promise<string | undefined> {
    const row = await this.ctx.db.selectFrom('schedule_ticks').select('last_tick_at').where('flow_id', '=', flowId).executeTakeFirst();
    return row?.last_tick_at;
  }
}

function keyOf(s: ScheduleState): string {
  return `${s.revision}|${s.environment}|${s.cron}|${s.timezone}`;
}
