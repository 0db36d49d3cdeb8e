import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseFaultFlag, sandboxOptionsFromCli } from '../../packages/cli/src/commands/sandbox';
import { call } from './helpers';

/** `splice sandbox` as a user runs it: a real process that prints URLs and credentials and stops on Ctrl-C. */

const BIN = fileURLToPath(new URL('../../packages/cli/bin/splice.mjs', import.meta.url));

function startCli(args: string[]) {
  const child = spawn(process.execPath, [BIN, 'sandbox', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const firstLine = new Promise<string>((resolve, reject) => {
    const check = () => {
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    };
    child.stdout.on('data', check);
    child.on('exit', () => reject(new Error(`splice sandbox exited early: ${err}`)));
  });
  firstLine.catch(() => undefined); // tests of early exits do not wait for output
  return { child, exited, firstLine, output: () => ({ out, err }) };
}

describe('splice sandbox', () => {
  it('prints URLs and demo credentials, serves both stand-ins, and exits 130 on Ctrl-C', async () => {
    const cli = startCli([
      '--port',
      '0',
      '--highlevel-port',
      '0',
      '--payaca-port',
      '0',
      '--seed',
      '5',
      '--json',
      '--fault',
      'payaca:list-tax-rates:error=1,status=503',
    ]);
    try {
      const info = JSON.parse(await cli.firstLine);
      expect(info.seed).toBe(5);
      const hl = info.credentials.highlevel;
      const tags = await call(`${info.highlevel}/social-media-posting/${hl.locationId}/tags`, {
        headers: { Authorization: `Bearer ${hl.privateIntegrationToken}`, Version: '2021-07-28' },
      });
      expect(tags.status).toBe(200);
      const viaRoot = await call(`${info.baseUrls.highlevel}/social-media-posting/${hl.locationId}/tags`, {
        headers: { Authorization: `Bearer ${hl.privateIntegrationToken}`, Version: '2021-07-28' },
      });
      expect(viaRoot.status).toBe(200);
      const p = info.credentials.payaca;
      const auth = { Authorization: `Basic ${Buffer.from(`${p.clientId}:${p.clientSecret}`).toString('base64')}` };
      expect((await call(`${info.payaca}/customers`, { headers: auth })).status).toBe(200);
      expect((await call(`${info.payaca}/tax-rates`, { headers: auth })).status).toBe(503);
    } finally {
      cli.child.kill('SIGINT');
    }
    expect(await cli.exited).toBe(130);
  });

  it('the human banner names URLs, PIT, OAuth client, Payaca key, webhook secret and public keys', async () => {
    const cli = startCli(['--port', '0', '--highlevel-port', '0', '--payaca-port', '0']);
    try {
      await cli.firstLine;
      for (let i = 0; i < 100 && !cli.output().out.includes('Press Ctrl-C'); i++) await new Promise((r) => setTimeout(r, 20));
      const { out } = cli.output();
      for (const needle of [
        'private integration token: pit-',
        'OAuth client id:',
        'OAuth client secret:',
        'API key (Basic auth)',
        'webhook secret',
        'BEGIN PUBLIC KEY',
        'http://127.0.0.1:',
      ]) {
        expect(out).toContain(needle);
      }
    } finally {
      cli.child.kill('SIGINT');
      await cli.exited;
    }
  });

  it('wrong flags are usage errors (exit 2) with one clear line', async () => {
    const cli = startCli(['--seed', 'abc']);
    expect(await cli.exited).toBe(2);
    expect(cli.output().err).toMatch(/--seed must be a whole number/);
    expect(cli.output().err).not.toMatch(/\n\s+at /);
  });

  it('parses fault flags and rate-limit flags', () => {
    expect(parseFaultFlag('highlevel:GET /social-media-posting/{locationId}/tags:429=0.5,retry-after=2')).toEqual({
      server: 'highlevel',
      rule: { route: 'GET /social-media-posting/{locationId}/tags', rate429: 0.5, retryAfterSeconds: 2 },
    });
    expect(() => parseFaultFlag('nowhere:*:error=1')).toThrow(/--fault/);
    const opts = sandboxOptionsFromCli({ rateMax: '10', rateIntervalMs: '1000', tokenTtl: '5' });
    expect(opts.rateLimit).toEqual({ max: 10, intervalMs: 1000, daily: 200_000 });
    expect(opts.tokenTtlSeconds).toBe(5);
    expect(sandboxOptionsFromCli({ rateLimit: false }).rateLimit).toBe(false);
  });
});
