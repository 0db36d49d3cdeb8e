import { alnumId, hashUnit, mulberry32, objectId, pick } from '../core/prng';
import { TRADE_JOB_TAGS } from '../core/trade-job-tags';

/**
 * HighLevel demo data: a company with a few locations (sub-accounts), each with Social Planner tags,
 * connected social accounts and posts. Everything derives from the seed; day-by-day statistics are a pure
 * function of (seed, account, day) so they are the same whenever they are asked for.
 */

export interface DemoTag {
  _id: string;
  tag: string;
  locationId: string;
  createdBy: string;
  deleted: boolean;
  createdAt: string;
  updatedAt: string;
}

export type Platform = 'facebook' | 'instagram' | 'linkedin' | 'google' | 'tiktok' | 'youtube' | 'pinterest';

export interface DemoAccount {
  id: string;
  oauthId: string;
  profileId: string;
  name: string;
  platform: Platform;
  type: string;
  expire: string;
  isExpired: boolean;
  meta: Record<string, unknown>;
  locationId: string;
}

export interface DemoPost {
  _id: string;
  source: 'composer' | 'csv' | 'recurring';
  locationId: string;
  platform: string;
  displayDate: string;
  createdAt: string;
  updatedAt: string;
  accountId: string;
  accountIds: string[];
  error: string;
  postId: string;
  publishedAt?: string;
  summary: string;
  media: Array<{ url: string; type: string; caption?: string }>;
  status: string;
  type: string;
  tags: string[];
  createdBy: string;
  deleted?: boolean;
}

export interface DemoLocation {
  id: string;
  name: string;
  /** InstalledLocationSchema requires one. */
  address: string;
  companyId: string;
}

export interface HighLevelDemoData {
  seed: number;
  companyId: string;
  userId: string;
  locations: DemoLocation[];
  tags: Map<string, DemoTag[]>;
  accounts: Map<string, DemoAccount[]>;
  posts: Map<string, DemoPost[]>;
}

const LOCATION_NAMES = ['Bright Sparks Electrical', 'Northside Plumbing & Heating', 'Greenleaf Roofing'];
const TAG_NAMES = [
  ...TRADE_JOB_TAGS,
  'Roof Repair',
  'Guttering',
  'Quote Sent',
  'Quote Accepted',
  'Job Complete',
  'Review Request',
  'Spring Offer',
  'Before & After',
  'Team News',
  'Safety Tips',
  'Customer Story',
  'Winter Ready',
];
const PLATFORMS: Array<{ platform: Platform; type: string }> = [
  { platform: 'facebook', type: 'page' },
  { platform: 'instagram', type: 'profile' },
  { platform: 'google', type: 'location' },
  { platform: 'linkedin', type: 'page' },
  { platform: 'tiktok', type: 'business' },
];
const POST_STATUSES = ['published', 'published', 'published', 'scheduled', 'draft', 'failed'];
const SUMMARIES = [
  'Another happy customer! New consumer unit fitted today.',
  'Is your boiler ready for winter? Book a service now.',
  'Before and after: full kitchen refit in Leeds.',
  'Our team is hiring: apprentices welcome.',
  'Five safety checks to do before the cold weather.',
  'Thank you for 500 five-star reviews!',
];

/**
 * The first demo location carries the location id of HighLevel's own API examples (the OpenAPI files,
 * the connector's trigger samples and the templates' sample events all use it), so an example copied
 * from the spec or a template's sample test-runs against the sandbox unchanged. The others follow the seed.
 */
export const SPEC_EXAMPLE_LOCATION_ID = 've9EPM428h8vShlRW1KT';

/** A fixed epoch so created dates do not depend on when the sandbox starts. */
const BASE_TIME = Date.UTC(2026, 0, 5, 9, 0, 0);
const DAY_MS = 86_400_000;

export function buildDemoData(seed: number): HighLevelDemoData {
  const rand = mulberry32(seed);
  const companyId = alnumId(rand);
  const userId = alnumId(rand);
  const data: HighLevelDemoData = { seed, companyId, userId, locations: [], tags: new Map(), accounts: new Map(), posts: new Map() };
  for (const [index, name] of LOCATION_NAMES.entries()) {
    // The seeded id is drawn either way so the rest of the data stays a function of the seed alone.
    const seededId = alnumId(rand);
    addDemoLocation(data, rand, { id: index === 0 ? SPEC_EXAMPLE_LOCATION_ID : seededId, name, address: ADDRESSES[index]! });
  }
  return data;
}

/** Names and streets of locations added later (the admin API's "a new sub-account joins the agency"). */
const MORE_LOCATION_NAMES = ['Harbour View Builders', 'Oakfield Kitchens', 'Summit Solar', 'Riverside Glazing', 'Keystone Joinery'];
const ADDRESSES = ['12 Mill Lane, Leeds LS1 4AB, UK', '3 Station Road, York YO1 7HT, UK', '88 High Street, Harrogate HG1 1AA, UK'];

/**
 * Another location with its own tags, accounts and posts, a pure function of (seed, how many came before),
 * so the n-th location added after start is the same on every run with that seed.
 */
export function addExtraDemoLocation(data: HighLevelDemoData, name?: string): DemoLocation {
  const n = data.locations.length;
  const rand = mulberry32((data.seed * 7919 + n * 104_729) >>> 0);
  const id = alnumId(rand);
  return addDemoLocation(data, rand, {
    id,
    name: name ?? MORE_LOCATION_NAMES[(n - LOCATION_NAMES.length) % MORE_LOCATION_NAMES.length] ?? `Location ${n + 1}`,
    address: `${n + 1} Market Square, Leeds LS2 ${n}QR, UK`,
  });
}

function addDemoLocation(data: HighLevelDemoData, rand: () => number, at: { id: string; name: string; address: string }): DemoLocation {
  const { companyId, userId } = data;
  const { name } = at;
  const loc: DemoLocation = { ...at, companyId };
  data.locations.push(loc);
  const tagCount = 12 + Math.floor(rand() * 6);
  const names = [...TAG_NAMES].sort(() => rand() - 0.5).slice(0, tagCount);
  data.tags.set(
    loc.id,
    names.map((tag, i) => {
      const created = new Date(BASE_TIME + i * 3_600_000).toISOString();
      return { _id: objectId(rand), tag, locationId: loc.id, createdBy: userId, deleted: false, createdAt: created, updatedAt: created };
    }),
  );
  const accountCount = 3 + Math.floor(rand() * 2);
  const accounts = PLATFORMS.slice(0, accountCount).map(({ platform, type }): DemoAccount => {
    const oauthId = alnumId(rand);
    const originId = String(Math.floor(rand() * 1e15) + 1e15);
    return {
      id: `${oauthId}_${loc.id}_${originId}`,
      oauthId,
      profileId: objectId(rand),
      name: `${name} (${platform})`,
      platform,
      type,
      expire: new Date(BASE_TIME + 365 * DAY_MS).toISOString(),
      isExpired: false,
      meta: { hasGoogleUpdated: platform === 'google', canDelete: true },
      locationId: loc.id,
    };
  });
  data.accounts.set(loc.id, accounts);
  const tags = data.tags.get(loc.id) ?? [];
  const posts: DemoPost[] = [];
  for (let i = 0; i < 10; i++) {
    const account = pick(rand, accounts);
    const status = pick(rand, POST_STATUSES);
    const when = new Date(BASE_TIME + i * 2 * DAY_MS).toISOString();
    posts.push({
      _id: objectId(rand),
      source: 'composer',
      locationId: loc.id,
      platform: account.platform,
      displayDate: when,
      createdAt: when,
      updatedAt: when,
      accountId: account.id,
      accountIds: [account.id],
      error: status === 'failed' ? 'Failed due to auth token' : '',
      postId: String(Math.floor(rand() * 1e12)),
      ...(status === 'published' ? { publishedAt: when } : {}),
      summary: pick(rand, SUMMARIES),
      media: [{ url: `https://example.com/media/${i}.jpg`, type: 'image/jpeg' }],
      status,
      type: 'post',
      tags: [pick(rand, tags)._id],
      createdBy: userId,
    });
  }
  data.posts.set(loc.id, posts);
  return loc;
}

export interface DayStats {
  posts: number;
  impressions: number;
  reach: number;
  likes: number;
  comments: number;
  shares: number;
  followers: number;
}

const dayStatsCache = new Map<string, DayStats>();

/** One account's metrics on one UTC day (days since the Unix epoch): a pure function of its inputs. */
export function dayStats(seed: number, account: DemoAccount, day: number): DayStats {
  // Pure, so memoised: a statistics answer reads each (account, day) many times.
  const key = `${seed}|${account.id}|${day}`;
  let hit = dayStatsCache.get(key);
  if (!hit) {
    if (dayStatsCache.size > 50_000) dayStatsCache.clear();
    hit = computeDayStats(seed, account, day);
    dayStatsCache.set(key, hit);
  }
  return hit;
}

function computeDayStats(seed: number, account: DemoAccount, day: number): DayStats {
  const u = (metric: string) => hashUnit(seed, account.id, day, metric);
  const size = 1 + hashUnit(seed, account.id, 'size') * 4;
  const posts = u('posts') < 0.35 ? 1 + Math.floor(u('posts2') * 2) : 0;
  const impressions = Math.round((80 + u('impressions') * 420) * size + posts * 150);
  const reach = Math.round(impressions * (0.5 + u('reach') * 0.4));
  const likes = Math.round(impressions * (0.02 + u('likes') * 0.05));
  const comments = Math.round(likes * (0.05 + u('comments') * 0.2));
  const shares = Math.round(likes * u('shares') * 0.15);
  const followers = Math.round(300 * size + (day % 1000) * 0.8 + u('followers') * 5);
  return { posts, impressions, reach, likes, comments, shares, followers };
}

export function dayNumber(date: Date): number {
  return Math.floor(date.getTime() / DAY_MS);
}
