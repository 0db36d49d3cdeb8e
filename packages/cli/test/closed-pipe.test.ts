import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/splice.mjs', import.meta.url));

describe('splice ... | head', () => {
  it('exits 0 without an EPIPE trace when the reader closes the pipe early', async () => {
    const child = spawn(process.execPath, [bin, 'catalog', 'list', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    // Like `splice ... | head` once head has exited: the reader is gone before the CLI writes (it starts in ~1 s).
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(0);
  }, 60_000);
});
