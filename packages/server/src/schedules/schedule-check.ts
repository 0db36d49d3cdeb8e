import { Cron } from 'croner';
import type { Flow } from '@splice/runtime';

/**
 * Validation of schedule triggers with croner itself (what will run them): a cron pattern or time zone it
 * cannot use is reported at `trigger.cron` / `trigger.timezone`, so the flow fails validation instead
 * of silently never ticking.
 */
export function checkScheduleTrigger(flow: Flow): Array<{ path: string; code: string; message: string }> {
  const t = flow.trigger;
  if (t?.type !== 'schedule') return [];
  try {
    new Cron(t.cron, { paused: true }).stop();
  } catch (err) {
    return [{ path: 'trigger.cron', code: 'SCHEDULE_INVALID_CRON', message: `"${t.cron}" is not a cron pattern croner understands (${(err as Error).message}). Use five fields (minute hour day month weekday), e.g. "*/15 * * * *", or six with seconds first.` }];
  }
  if (t.timezone) {
    try {
      new Intl.DateTimeFormat('en-GB', { timeZone: t.timezone });
      new Cron(t.cron, { paused: true, timezone: t.timezone }).nextRun();
    } catch {
      return [{ path: 'trigger.timezone', code: 'SCHEDULE_INVALID_TIMEZONE', message: `"${t.timezone}" is not an IANA time zone. Use a name such as "Europe/London" or "UTC".` }];
    }
  }
  return [];
}
