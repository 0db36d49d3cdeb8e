import { describe, expect, it } from 'vitest';
import { main } from '../../packages/cli/src/main';
import { ExitCode } from '../../packages/cli/src/exit-codes';

/** The acceptance command, in-process: `splice test templates/` and `splice validate templates/` pass. */
async function splice(args: string[]) {
  const out: string[] = [];
  let exit: number | undefined;
  const returned = await main(['node', 'splice', ...args], { out: (t) => void out.push(t), err: (t) => void out.push(t), setExit: (c) => void (exit = c) });
  return { text: out.join(''), exit: exit ?? (typeof returned === 'number' ? returned : undefined) };
}

describe('splice CLI on templates/', () => {
  it('splice test templates/ runs every case of the four templates and passes', async () => {
    const { text, exit } = await splice(['test', 'templates/']);
    expect(text).toMatch(/\b18 passed, 0 failed\b/);
    for (const t of ['location-tags-into-payaca', 'post-statistics', 'tag-details-sync', 'live-tag-sync']) expect(text).toContain(`PASS templates/${t}.test.yaml`);
    expect(exit ?? ExitCode.OK).toBe(ExitCode.OK);
  });

  it('splice validate templates/ finds no problem', async () => {
    const { text, exit } = await splice(['validate', 'templates/']);
    expect(exit ?? ExitCode.OK).toBe(ExitCode.OK);
    expect(text).not.toMatch(/error/i);
  });
});
