import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { SpliceDb } from '../storage/database';

/**
 * The REST API's admin token. Generated at first start, stored only as a SHA-256 hash, and returned in
 * clear exactly once (by ensureAdminToken, for `splice serve` to print). `SPLICE_ADMIN_TOKEN` overrides
 * the stored one, e.g. for scripts and CI.
 */
export interface EnsuredAdminToken {
  /** The token in clear, only when it was generated just now (print it once, never log it again). */
  generated?: string;
  source: 'env' | 'generated' | 'stored';
}

const hash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

export async function ensureAdminToken(db: SpliceDb, envToken = process.env.SPLICE_ADMIN_TOKEN): Promise<EnsuredAdminToken> {
  if (envToken) return { source: 'env' };
  const existing = await db.selectFrom('admin_tokens').select('id').executeTakeFirst();
  if (existing) return { source: 'stored' };
  const token = `splice_${randomBytes(32).toString('base64url')}`;
  await db.insertInto('admin_tokens').values({ id: randomUUID(), token_hash: hash(token), created_at: new Date().toISOString() }).execute();
  return { generated: token, source: 'generated' };
}

/** Replaces the stored token with a new one (e.g. `splice serve --rotate-admin-token`); returns it in clear. */
export async function rotateAdminToken(db: SpliceDb): Promise<string> {
  const token = `splice_${randomBytes(32).toString('base64url')}`;
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('admin_tokens').execute();
    await trx.insertInto('admin_tokens').values({ id: randomUUID(), token_hash: hash(token), created_at: new Date().toISOString() }).execute();
  });
  return token;
}

export class AdminAuth {
  private hashes: Buffer[] | undefined;
  private readAt = 0;
  constructor(
    private readonly db: SpliceDb,
    private readonly envToken = process.env.SPLICE_ADMIN_TOKEN,
  ) {}

  /** Timing-safe: compares fixed-length hashes, never the raw strings. */
  async verify(token: string | undefined): Promise<boolean> {
    if (!token) return false;
    const given = Buffer.from(hash(token), 'hex');
    const known = await this.known();
    return known.some((h) => h.length === given.length && timingSafeEqual(h, given));
  }

  private async known(): Promise<Buffer[]> {
    if (this.envToken) return [Buffer.from(hash(this.envToken), 'hex')];
    // Re-read every few seconds: another process (e.g. `splice start`) may have rotated the token.
    if (!this.hashes?.length || Date.now() - this.readAt > 2_000) {
      const rows = await this.db.selectFrom('admin_tokens').select('token_hash').execute();
      this.hashes = rows.map((r) => Buffer.from(r.token_hash, 'hex'));
      this.readAt = Date.now();
    }
    return this.hashes;
  }

  forget(): void {
    this.hashes = undefined;
  }
}
