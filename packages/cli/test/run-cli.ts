import { main } from '../src/main';

/** Runs `splice <args>` in-process and returns its exit code and output. */
export async function splice(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'splice', ...args], { out: (t) => void (out += t), err: (t) => void (err += t), setExit: () => {} });
  return { code, out, err };
}
