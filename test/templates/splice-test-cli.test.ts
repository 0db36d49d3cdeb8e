import { describe, expect, it } from 'vitest';
import { runCliToEnd } from '../support/in-process-cli';
import { ExitCode } from '../../packages/cli/src/exit-codes';

/** The acceptance command, in-process: `splice test templates/` and `splice validate templates/` pass. */
async function splice(args: string[]) {
  const { code, out, err } = await runCliToEnd(args);
  return { text: out + err, exit: code };
}

describe('splice CLI on templates/', () => {
  it('splice test templates/ runs every case of the four templates and passes', async () => {
    const { text, exit } = await splice(['test', 'templates/']);
    expect(text).toMatch(/\b22 passed, 0 failed\b/);
    for (const t of ['location-tags-into-payaca', 'post-statistics', 'tag-details-sync', 'live-tag-sync']) expect(text).toContain(`PASS templates/${t}.test.yaml`);
    expect(exit ?? ExitCode.OK).toBe(ExitCode.OK);
  });

  it('splice validate templates/ finds no problem', async () => {
    const { text, exit } = await splice(['validate', 'templates/']);
    expect(exit ?? ExitCode.OK).toBe(ExitCode.OK);
    expect(text).not.toMatch(/error/i);
  });
});
