import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AdminAuth, ensureAdminToken, rotateAdminToken } from '../../packages/server/src/api/admin-token';
import { openDatabase } from '../../packages/server/src/storage/database';

const dir = mkdtempSync(join(tmpdir(), 'splice-token-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('admin token', () => {
  it('is generated once, stored only as a hash, and SPLICE_ADMIN_TOKEN overrides it', async () => {
    const { db, close } = await openDatabase({ dataDir: dir });
    try {
      const first = await ensureAdminToken(db, undefined);
      expect(first.source).toBe('generated');
      const token = first.generated!;
      expect(await ensureAdminToken(db, undefined)).toEqual({ source: 'stored' });
      const rows = await db.selectFrom('admin_tokens').selectAll().execute();
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain(token);

      const stored = new AdminAuth(db, undefined);
      expect(await stored.verify(token)).toBe(true);
      expect(await stored.verify(`${token}x`)).toBe(false);
      expect(await stored.verify(undefined)).toBe(false);

      const env = new AdminAuth(db, 'my-own-token');
      expect(await env.verify('my-own-token')).toBe(true);
      expect(await env.verify(token)).toBe(false);
      expect(await ensureAdminToken(db, 'my-own-token')).toEqual({ source: 'env' });

      const rotated = await rotateAdminToken(db);
      const fresh = new AdminAuth(db, undefined);
      expect(await fresh.verify(rotated)).toBe(true);
      expect(await fresh.verify(token)).toBe(false);
    } finally {
      await close();
    }
  });
});
