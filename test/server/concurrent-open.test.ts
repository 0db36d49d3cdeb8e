import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { repoRoot } from './helpers';

const child = join(repoRoot, 'test/server/fixtures/open-database-at-go.ts');

function openIn(dataDir: string): Promise<string> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', child, dataDir], { cwd: repoRoot }, (_err, stdout, stderr) =>
      resolve(`${stdout}${stderr}`.trim()),
    );
  });
}

// Several processes opening one fresh data dir at once (e.g. `splice serve` and `splice credentials add`)
// must all get a migrated database: migrations run one process at a time, never twice.
it('processes that open the same fresh data dir at the same moment all succeed', async () => {
  for (let round = 0; round < 3; round++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'splice-concurrent-open-'));
    const outcomes = Array.from({ length: 4 }, () => openIn(dataDir));
    // Let the children load and reach the barrier, then release them together.
    await new Promise((r) => setTimeout(r, 2500));
    writeFileSync(join(dataDir, 'go'), '');
    expect(await Promise.all(outcomes)).toEqual(['ok', 'ok', 'ok', 'ok']);
  }
});
