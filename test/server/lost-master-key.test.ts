import { existsSync, rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { CredentialStore } from '../../packages/server/src/credentials/index';
import { createLogger } from '../../packages/server/src/logger';
import { startServer } from '../../packages/server/src/serve';
import { tempDir } from './helpers';

// A lost master.key must be restored, never replaced: a new key would leave every stored secret unreadable
// and seal new ones under a key nobody has backed up. The server says which key to restore and mints none.
it('a server whose data dir lost master.key next to sealed secrets mints no new key and says what to restore', async () => {
  const dataDir = tempDir('splice-lost-key-');
  const store = await CredentialStore.open({ dataDir, env: {} });
  await store.add({ name: 'ghl', kind: 'highlevel-pit', values: { token: 'pit-secret-value' } });
  await store.close();
  rmSync(join(dataDir, 'master.key'));

  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  const server = await startServer({
    config: { port: 0, dataDir, workers: { count: 1 } },
    logger: createLogger({ level: 'warn', destination: sink }),
    createApiRouter: () => undefined,
  });
  try {
    expect(existsSync(join(dataDir, 'master.key'))).toBe(false);
    expect(lines.join('\n')).toMatch(/master\.key is missing, but this data dir holds secrets encrypted with master key/);
    expect(server.ctx.stores.credentials).toBeUndefined();
  } finally {
    await server.close({ graceMs: 500 });
  }
});
