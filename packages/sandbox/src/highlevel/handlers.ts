import { randomUUID } from 'node:crypto';
import { type DemoPost, type HighLevelDemoData } from './demo-data';
import type { HlOperation } from './spec-loader';
import { buildStatistics, defaultRanges, rangeFromIso } from './statistics';

/**
 * The operations the sandbox really implements over its demo data: the ones the templates and the official
 * SDK use. Every other operation answers a schema-valid example (see sampler.ts).
 */

export interface HandlerInput {
  op: HlOperation;
  params: Record<string, string>;
  query: Record<string, string>;
  body: Record<string, unknown>;
  /** The location the request is about (path or query `locationId`). */
  locationId: string;
  data: HighLevelDemoData;
  now: Date;
  /** Raises a HighLevel webhook event to the app's subscriptions. */
  publish: (type: string, locationId: string, payload: Record<string, unknown>) => void;
}

export interface HandlerAnswer {
  status: number;
  body: unknown;
}

type Handler = (input: HandlerInput) => HandlerAnswer;

const ok = (status: number, message: string, results: unknown): HandlerAnswer => ({
  status,
  body: { success: true, statusCode: status, message, results },
});

const notFound = (message: string): HandlerAnswer => ({ status: 404, body: { statusCode: 404, message, error: 'Not Found' } });
const unprocessable = (message: string): HandlerAnswer => ({
  status: 422,
  body: { statusCode: 422, message: [message], error: 'Unprocessable Entity' },
});

function intParam(value: string | undefined, fallback: number): number {
  const n = value === undefined || value === '' ? NaN : Number(value);
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : fallback;
}

const getTags: Handler = ({ data, locationId, query, op }) => {
  const search = (query.searchText ?? '').toLowerCase();
  const all = (data.tags.get(locationId) ?? []).filter((t) => !t.deleted && t.tag.toLowerCase().includes(search));
  const skip = intParam(query.skip, 0);
  const limit = intParam(query.limit, 10);
  return ok(op.successStatus, 'Fetched Tags by Location ID', { tags: all.slice(skip, skip + limit), count: all.length });
};

const getTagsByIds: Handler = ({ data, locationId, body, op }) => {
  const ids = new Set((body.tagIds as string[]) ?? []);
  const tags = (data.tags.get(locationId) ?? []).filter((t) => ids.has(t._id));
  return ok(op.successStatus, 'Fetched Tags by Tag IDs', { tags, count: tags.length });
};

const getAccounts: Handler = ({ data, locationId, op }) => {
  const accounts = (data.accounts.get(locationId) ?? []).map(({ locationId: _l, ...a }) => a);
  const groups = [{ id: `${locationId.slice(0, 8)}group`, name: 'Primary', accountIds: accounts.map((a) => a.id) }];
  return ok(op.successStatus, 'Fetched Accounts', { accounts, groups });
};

const getStatistics: Handler = ({ data, locationId, body, op, now }) => {
  const wanted = new Set((body.profileIds as string[]) ?? []);
  const platforms = body.platforms as string[] | undefined;
  const accounts = (data.accounts.get(locationId) ?? []).filter(
    (a) => (wanted.has(a.profileId) || wanted.has(a.id)) && (!platforms || platforms.includes(a.platform)),
  );
  let { current, prev } = defaultRanges(now) as { current: ReturnType<typeof rangeFromIso>; prev?: ReturnType<typeof rangeFromIso> };
  const cr = body.currentRange as { startDate: string; endDate: string } | undefined;
  const pr = body.prevRange as { startDate: string; endDate: string } | undefined;
  if (pr && !cr) return unprocessable('prevRange can only be provided when currentRange is also present');
  if (cr) {
    current = rangeFromIso(cr);
    prev = pr ? rangeFromIso(pr) : undefined;
    if (current.last < current.first || (prev && prev.last < prev.first)) return unprocessable('endDate must be after startDate');
    if (current.last - current.first > 366) return unprocessable('currentRange must not span more than a year');
  }
  return { status: op.successStatus, body: buildStatistics(data.seed, accounts, current, prev) };
};

/** `SocialPostPublished` as the connectors' trigger catalog models it (no public HighLevel event exists). */
function publishPost(publish: HandlerInput['publish'], data: HighLevelDemoData, post: DemoPost): void {
  const platforms = [
    ...new Set(post.accountIds.map((id) => data.accounts.get(post.locationId)?.find((a) => a.id === id)?.platform).filter(Boolean)),
  ];
  publish('SocialPostPublished', post.locationId, {
    postId: post._id,
    accountIds: post.accountIds,
    platforms,
    status: post.status,
    publishedAt: post.publishedAt,
  });
}

const livePosts = (data: HighLevelDemoData, locationId: string) => (data.posts.get(locationId) ?? []).filter((p) => !p.deleted);

const listPosts: Handler = ({ data, locationId, body, op }) => {
  const type = String(body.type ?? 'all');
  const accounts = typeof body.accounts === 'string' && body.accounts ? new Set(body.accounts.split(',').map((s) => s.trim())) : undefined;
  const from = body.fromDate ? Date.parse(String(body.fromDate)) : -Infinity;
  const to = body.toDate ? Date.parse(String(body.toDate)) : Infinity;
  const matches = livePosts(data, locationId).filter((p) => {
    const t = Date.parse(p.displayDate);
    if (t < from || t > to) return false;
    if (accounts && !p.accountIds.some((a) => accounts.has(a))) return false;
    if (type === 'all' || type === 'recent') return true;
    return p.status === type;
  });
  matches.sort((a, b) => b.displayDate.localeCompare(a.displayDate));
  const skip = intParam(body.skip as string | undefined, 0);
  const limit = intParam(body.limit as string | undefined, 10);
  return ok(op.successStatus, 'Fetched Posts', { posts: matches.slice(skip, skip + limit), count: matches.length });
};

const getPost: Handler = ({ data, locationId, params, op }) => {
  const post = livePosts(data, locationId).find((p) => p._id === params.id);
  if (!post) return notFound(`Post ${params.id} not found in location ${locationId}`);
  return ok(op.successStatus, 'Fetched Post', { post });
};

/** `scheduleDate` as ISO 8601: undefined when absent or empty, null when it is not a date. */
function scheduleDateOf(body: Record<string, unknown>): string | undefined | null {
  const v = body.scheduleDate;
  if (v === undefined || v === null || v === '') return undefined;
  const t = Date.parse(String(v));
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

const createPost: Handler = ({ data, locationId, body, op, now, publish }) => {
  const scheduleDate = scheduleDateOf(body);
  if (scheduleDate === null) return unprocessable('scheduleDate must be a valid ISO 8601 date string');
  const known = new Map((data.accounts.get(locationId) ?? []).map((a) => [a.id, a]));
  const accountIds = (body.accountIds as string[]) ?? [];
  const unknown = accountIds.filter((id) => !known.has(id));
  if (accountIds.length === 0) return unprocessable('accountIds should not be empty');
  if (unknown.length) return unprocessable(`accountIds contains accounts not connected to location ${locationId}: ${unknown.join(', ')}`);
  const first = known.get(accountIds[0] as string);
  const at = now.toISOString();
  const status = String(body.status ?? 'scheduled');
  const post: DemoPost = {
    _id: randomUUID().replace(/-/g, '').slice(0, 24),
    source: 'composer',
    locationId,
    platform: first?.platform ?? 'facebook',
    displayDate: scheduleDate ?? at,
    createdAt: at,
    updatedAt: at,
    accountId: accountIds[0] as string,
    accountIds,
    error: '',
    postId: '',
    ...(status === 'published' ? { publishedAt: at } : {}),
    summary: String(body.summary ?? ''),
    media: ((body.media as DemoPost['media']) ?? []).map((m) => ({ url: m.url, type: m.type ?? 'image/jpeg' })),
    status,
    type: String(body.type ?? 'post'),
    tags: (body.tags as string[]) ?? [],
    createdBy: String(body.userId ?? data.userId),
  };
  const list = data.posts.get(locationId) ?? [];
  list.push(post);
  data.posts.set(locationId, list);
  if (status === 'published') publishPost(publish, data, post);
  return ok(op.successStatus, 'Created Post', { post });
};

const editPost: Handler = ({ data, locationId, params, body, op, now, publish }) => {
  const post = livePosts(data, locationId).find((p) => p._id === params.id);
  if (!post) return notFound(`Post ${params.id} not found in location ${locationId}`);
  const scheduleDate = scheduleDateOf(body);
  if (scheduleDate === null) return unprocessable('scheduleDate must be a valid ISO 8601 date string');
  for (const key of ['summary', 'status', 'type', 'tags', 'accountIds'] as const) {
    if (body[key] !== undefined) (post as unknown as Record<string, unknown>)[key] = body[key];
  }
  if (scheduleDate) post.displayDate = scheduleDate;
  post.updatedAt = now.toISOString();
  if (post.status === 'published' && !post.publishedAt) {
    post.publishedAt = post.updatedAt;
    publishPost(publish, data, post);
  }
  return ok(op.successStatus, 'Updated Post', { post });
};

const deletePost: Handler = ({ data, locationId, params, op }) => {
  const post = livePosts(data, locationId).find((p) => p._id === params.id);
  if (!post) return notFound(`Post ${params.id} not found in location ${locationId}`);
  post.deleted = true;
  return ok(op.successStatus, 'Deleted Post', { postId: post._id });
};

/** Keyed by operationId: the same handler serves the v2 and v3 twins of an operation. */
export const handlers: Record<string, Handler> = {
  'get-tags-location-id': getTags,
  'get-tags-by-ids': getTagsByIds,
  'get-account': getAccounts,
  'get-social-media-statistics': getStatistics,
  'get-statistics': getStatistics,
  'get-posts': listPosts,
  'get-post': getPost,
  'create-post': createPost,
  'edit-post': editPost,
  'delete-post': deletePost,
};
