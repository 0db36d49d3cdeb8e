import { randomUUID } from 'node:crypto';
import { type DayStats, type DemoAccount, dayNumber, dayStats } from './demo-data';

/**
 * Builds the answer of `POST /social-media-posting/statistics` (v2 `get-social-media-statistics`, v3
 * `get-statistics`) from the day-by-day demo statistics: the last 7 days excluding today compared with the 7
 * days before (v3 may give its own `currentRange` and `prevRange`).
 */

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const DAY_MS = 86_400_000;

export interface DayRange {
  first: number; // day number, inclusive
  last: number; // day number, inclusive
}

export function defaultRanges(now: Date): { current: DayRange; prev: DayRange } {
  const today = dayNumber(now);
  return { current: { first: today - 7, last: today - 1 }, prev: { first: today - 14, last: today - 8 } };
}

export function rangeFromIso(r: { startDate: string; endDate: string }): DayRange {
  return { first: dayNumber(new Date(r.startDate)), last: dayNumber(new Date(r.endDate)) };
}

function days(r: DayRange): number[] {
  const out: number[] = [];
  for (let d = r.first; d <= r.last; d++) out.push(d);
  return out;
}

function change(cur: number, prev: number): number {
  if (prev === 0) return cur === 0 ? 0 : 100;
  return Math.round(((cur - prev) / prev) * 10_000) / 100;
}

type Metric = keyof DayStats;

export function buildStatistics(seed: number, accounts: DemoAccount[], current: DayRange, prev: DayRange | undefined) {
  const curDays = days(current);
  const prevDays = prev ? days(prev) : [];
  const platforms = [...new Set(accounts.map((a) => a.platform))];
  const stat = (accs: DemoAccount[], dayList: number[], metric: Metric) =>
    dayList.map((d) => accs.reduce((sum, a) => sum + dayStats(seed, a, d)[metric], 0));
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const byPlatform = (p: string) => accounts.filter((a) => a.platform === p);
  const lastFollowers = (accs: DemoAccount[], dayList: number[]) => {
    const d = dayList[dayList.length - 1];
    return d === undefined ? 0 : accs.reduce((s, a) => s + dayStats(seed, a, d).followers, 0);
  };
  const breakdown = (metric: Metric) => {
    const total = sum(stat(accounts, curDays, metric));
    const out: Record<string, unknown> = { total, platforms: {} as Record<string, unknown> };
    if (prev) out.totalChange = change(total, sum(stat(accounts, prevDays, metric)));
    for (const p of platforms) {
      const value = sum(stat(byPlatform(p), curDays, metric));
      const entry: Record<string, number> = { value };
      if (prev) entry.change = change(value, sum(stat(byPlatform(p), prevDays, metric)));
      (out.platforms as Record<string, unknown>)[p] = entry;
    }
    return out;
  };
  const engagement: Record<string, Record<string, number>> = {};
  const platformTotals = {
    impressions: {} as Record<string, unknown>,
    followers: {} as Record<string, unknown>,
    likes: {} as Record<string, unknown>,
  };
  const postsPerDay: Record<string, number[]> = {};
  for (const p of platforms) {
    const accs = byPlatform(p);
    const likes = sum(stat(accs, curDays, 'likes'));
    const comments = sum(stat(accs, curDays, 'comments'));
    const shares = sum(stat(accs, curDays, 'shares'));
    engagement[p] = { likes, comments, shares };
    if (prev) {
      const before = sum(stat(accs, prevDays, 'likes')) + sum(stat(accs, prevDays, 'comments')) + sum(stat(accs, prevDays, 'shares'));
      (engagement[p] as Record<string, number>).change = change(likes + comments + shares, before);
    }
    const impressionSeries = stat(accs, curDays, 'impressions');
    platformTotals.impressions[p] = { total: sum(impressionSeries), series: impressionSeries };
    const followerSeries = stat(accs, curDays, 'followers');
    platformTotals.followers[p] = { total: lastFollowers(accs, curDays), series: followerSeries };
    const likeSeries = stat(accs, curDays, 'likes');
    platformTotals.likes[p] = { total: sum(likeSeries), series: likeSeries };
    postsPerDay[p] = stat(accs, curDays, 'posts');
  }
  const totalFollowers = lastFollowers(accounts, curDays);
  // Demographics are a fixed split of followers (the real API aggregates what each platform reports).
  const male = Math.round(totalFollowers * 0.46);
  const female = Math.round(totalFollowers * 0.49);
  const unknown = totalFollowers - male - female;
  const pct = (n: number) => (totalFollowers === 0 ? 0 : Math.round((n / totalFollowers) * 10_000) / 100);
  const ageSplit = [0.03, 0.14, 0.27, 0.24, 0.17, 0.1, 0.05];
  const ageKeys = ['13-17', '18-24', '25-34', '35-44', '45-54', '55-64', '65+'];
  return {
    results: {
      dayRange: curDays.map((d) => WEEKDAYS[new Date(d * DAY_MS).getUTCDay()] as string),
      totals: {
        posts: sum(stat(accounts, curDays, 'posts')),
        likes: sum(stat(accounts, curDays, 'likes')),
        followers: totalFollowers,
        impressions: sum(stat(accounts, curDays, 'impressions')),
        comments: sum(stat(accounts, curDays, 'comments')),
      },
      postPerformance: {
        posts: postsPerDay,
        impressions: stat(accounts, curDays, 'impressions'),
        likes: stat(accounts, curDays, 'likes'),
        comments: stat(accounts, curDays, 'comments'),
      },
      breakdowns: { posts: breakdown('posts'), impressions: breakdown('impressions'), reach: breakdown('reach'), engagement },
      platformTotals,
      demographics: {
        gender: {
          totals: {
            male: { total: male, percentage: pct(male) },
            female: { total: female, percentage: pct(female) },
            unknown: { total: unknown, percentage: pct(unknown) },
          },
        },
        age: { totals: Object.fromEntries(ageKeys.map((k, i) => [k, Math.round(totalFollowers * (ageSplit[i] as number))])) },
      },
    },
    message: 'Analytics Built Successfully',
    traceId: randomUUID(),
  };
}
